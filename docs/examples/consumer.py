#!/usr/bin/env python3
"""A Dispatch consumer in plain Python (standard library only).

Long-polls a queue for jobs, processes each, acks it (or nacks it on failure), and stops when
the queue is drained (410): the HTTP form of `async for job in queue`.

    python3 consumer.py http://localhost:8080 emails
"""
import json
import sys
import time
import urllib.error
import urllib.request


def call(method, url):
    """Sends a request with no body; returns (status, parsed JSON body or None)."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=70) as response:
            body = response.read()
            return response.status, (json.loads(body) if body else None)
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, (json.loads(body) if body else None)


def process(job):
    """Your work goes here; raise to have the job delivered again later."""
    print(f"working on job {job['jobId']} (attempt {job['attempt']}): {job['payload']}")


def consume(base, queue):
    leases = f"{base}/v1/queues/{queue}/leases"
    while True:
        status, body = call("POST", f"{leases}?wait=20s&max=10")
        if status == 204:  # nothing arrived during the wait: ask again
            continue
        if status == 410:  # closed and drained: no job will ever come
            print(f"queue {queue} is drained; stopping")
            return
        if status == 503:  # the server is busy or shutting down: back off, then retry
            time.sleep(1)
            continue
        if status != 200:
            raise RuntimeError(f"take answered {status}: {body}")
        for job in body:
            try:
                process(job)
            except Exception as failure:  # noqa: BLE001 - any failure means "try again later"
                print(f"job {job['jobId']} failed: {failure}", file=sys.stderr)
                call("POST", f"{leases}/{job['leaseId']}/nack?delay=5s")
            else:
                status, _ = call("POST", f"{leases}/{job['leaseId']}/ack")
                if status == 410:
                    print(f"lease of job {job['jobId']} had expired; it will be delivered again")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: consumer.py BASE_URL QUEUE")
    consume(sys.argv[1].rstrip("/"), sys.argv[2])
