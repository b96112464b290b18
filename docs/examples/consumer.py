#!/usr/bin/env python3
"""A Dispatch consumer in plain Python (standard library only).

Long-polls a queue for jobs, processes each, acks it (or nacks it on failure), and stops when
the queue is drained (410): the HTTP form of `async for job in queue`. It is meant to be copied:

- a queue that does not exist yet (404) or a service that is not up yet (connection refused,
  503) is waited for, with exponential backoff and jitter, not treated as fatal;
- a `Retry-After` from the service is honoured;
- with the environment variable DISPATCH_TOKEN set (an API key or a JWT), every request sends
  `Authorization: Bearer <DISPATCH_TOKEN>`; a service that refuses the request (401: no
  credential or a bad one; 403: it may not take from this queue) stops the consumer with one
  line on stderr and exit status 2, since asking again would not help;
- Ctrl-C (or SIGTERM) stops it cleanly: no new take, and the jobs it holds but has not settled,
  the one it was working on included, are released: back to the head of the queue at once,
  their attempt not counted. Exit status 130.

    DISPATCH_TOKEN=... python3 consumer.py http://localhost:8080 emails
"""
import json
import os
import random
import signal
import sys
import time
import urllib.error
import urllib.request

BACKOFF_FIRST = 0.5  # seconds before the first retry
BACKOFF_MAX = 30.0  # the longest wait between retries
TOKEN = os.environ.get("DISPATCH_TOKEN") or None  # an API key or a JWT; unset: no credential


class Refused(Exception):
    """The service answered 401 or 403: the credential is missing, wrong, or not allowed."""

    def __init__(self, status, detail):
        detail = " ".join(str(detail).split())  # one line, whatever the service sent
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


def call(method, url):
    """Sends a request with no body; returns (status, parsed JSON body or None, Retry-After
    seconds or None). The status is None when the service cannot be reached. Raises Refused
    on 401 and 403."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if TOKEN:
        request.add_header("Authorization", f"Bearer {TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=70) as response:
            body = response.read()
            return response.status, (json.loads(body) if body else None), None
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        if error.code in (401, 403):
            detail = parsed.get("detail") if isinstance(parsed, dict) else None
            raise Refused(error.code, detail or error.reason) from None
        return error.code, parsed, retry_after(error.headers.get("Retry-After"))
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        print(f"cannot reach {url}: {getattr(error, 'reason', error)}", file=sys.stderr)
        return None, None, None


def retry_after(value):
    """Seconds from a Retry-After header given in seconds; None if absent or not a number."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class Backoff:
    """Exponential backoff with full jitter; a Retry-After from the service wins."""

    def __init__(self):
        self.failures = 0

    def wait(self, asked=None):
        self.failures += 1
        ceiling = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (self.failures - 1))
        time.sleep(asked if asked is not None else random.uniform(0, ceiling))

    def reset(self):
        self.failures = 0


def process(job):
    """Your work goes here; raise to have the job delivered again later."""
    print(f"working on job {job['jobId']} (attempt {job['attempt']}): {job['payload']}", flush=True)


def consume(base, queue):
    leases = f"{base}/v1/queues/{queue}/leases"
    backoff = Backoff()
    said_missing = False
    while True:
        status, body, after = call("POST", f"{leases}?wait=20s&max=10")
        if status == 200:
            backoff.reset()
            handle(leases, body)
        elif status == 204:  # nothing arrived during the wait: ask again
            backoff.reset()
        elif status == 410:  # closed and drained: no job will ever come
            print(f"queue {queue} is drained; stopping", flush=True)
            return
        elif status == 404:  # not created yet: wait for it
            if not said_missing:
                print(f"queue {queue} does not exist yet; waiting for it", flush=True)
                said_missing = True
            backoff.wait(after)
        elif status is None or status in (429, 500, 502, 503, 504):  # not reachable or busy
            backoff.wait(after)
        else:
            raise RuntimeError(f"take answered {status}: {body}")


def handle(leases, jobs):
    """Processes a batch; on Ctrl-C, releases the jobs not yet settled."""
    for index, job in enumerate(jobs):
        try:
            work_on(leases, job)
        except KeyboardInterrupt:
            # each release puts its job at the head: the last first keeps the batch's order
            for held in reversed(jobs[index:]):
                call("POST", f"{leases}/{held['leaseId']}/release")
            raise


def work_on(leases, job):
    """Processes one job, then acks it, or nacks it when processing failed."""
    try:
        process(job)
    except Exception as failure:  # noqa: BLE001 - any failure means "try again later"
        print(f"job {job['jobId']} failed: {failure}", file=sys.stderr)
        call("POST", f"{leases}/{job['leaseId']}/nack?delay=5s")
    else:
        status, _, _ = call("POST", f"{leases}/{job['leaseId']}/ack")
        if status == 410:
            print(f"lease of job {job['jobId']} had expired; it will be delivered again")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: consumer.py BASE_URL QUEUE  (DISPATCH_TOKEN: an API key or JWT, if the service needs one)")
    queue = sys.argv[2]
    # Ctrl-C stops it even when it was started with SIGINT ignored (in the background of a
    # shell script), and SIGTERM (docker stop, Kubernetes) stops it the same way
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        consume(sys.argv[1].rstrip("/"), queue)
    except KeyboardInterrupt:
        print("stopped", flush=True)
        sys.exit(130)
    except Refused as refusal:
        if refusal.status == 401:
            hint = "check DISPATCH_TOKEN" if TOKEN else "set DISPATCH_TOKEN to an API key or JWT"
        else:
            hint = f"DISPATCH_TOKEN needs the consumer role on queue {queue}"
        print(f"consumer.py: the service refused the request ({refusal.status}: {refusal.detail}); {hint}",
              file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
