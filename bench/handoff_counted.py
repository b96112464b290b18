#!/usr/bin/env python3
"""Hand-off latency as bench/handoff.py measures it, on a queue of its own, counting takes cut short.

bench/handoff.py stops at the first take that answers anything but 200. Today a parked take is
now and then answered 204 within milliseconds, long before its wait (10 s) ends, while its put
succeeds (seen on both backends, more often the busier the machine). This runs the same samples
and, for such a take, counts it, drops the sample and takes the job its put left queued before
going on. Prints the same line as handoff.py, plus how many takes were cut short.

    python3 bench/handoff_counted.py --port 8080 --samples 2000
"""
import argparse
import socket
import statistics
import time
import uuid

from handoff import read_response, request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    queue = f"handoff-{uuid.uuid4().hex[:8]}"
    taker = socket.create_connection(("127.0.0.1", args.port))
    putter = socket.create_connection(("127.0.0.1", args.port))
    for s in (taker, putter):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    taken, put_rest = b"", b""
    request(putter, "PUT", f"/v1/queues/{queue}", b"{}")
    status, _, put_rest = read_response(putter, put_rest)
    if status not in (200, 201):
        raise SystemExit(f"could not create queue {queue}: {status}")
    latencies = []
    cut_short = 0
    for i in range(args.samples + 100):  # the first 100 warm up
        request(taker, "POST", f"/v1/queues/{queue}/leases?wait=10s&ack=auto")
        time.sleep(0.002)  # long enough for the take to park
        started = time.perf_counter_ns()
        request(putter, "POST", f"/v1/queues/{queue}/jobs", b'{"n":%d}' % i)
        status, _, taken = read_response(taker, taken)
        ended = time.perf_counter_ns()
        put_status, _, put_rest = read_response(putter, put_rest)
        if put_status != 201 or status not in (200, 204):
            raise SystemExit(f"unexpected answers: take {status}, put {put_status}")
        if status == 204:
            cut_short += 1
            request(taker, "POST", f"/v1/queues/{queue}/leases?wait=1s&ack=auto")
            status, _, taken = read_response(taker, taken)
            if status != 200:
                raise SystemExit(f"the job of a take cut short was not in the queue: take {status}")
            continue
        if i >= 100:
            latencies.append((ended - started) / 1000)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]
    print(f"hand-off latency over {len(latencies)} samples (µs): p50 {pct(0.50):.0f}, p90 {pct(0.90):.0f}, "
          f"p99 {pct(0.99):.0f}, max {latencies[-1]:.0f}, mean {statistics.mean(latencies):.0f}; "
          f"{cut_short} of {args.samples + 100} takes cut short (204 before the put's job reached them)")


if __name__ == "__main__":
    main()
