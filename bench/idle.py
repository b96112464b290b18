#!/usr/bin/env python3
"""Latency at rest: one request at a time, one every --interval-ms (20 ms), over raw keep-alive
sockets (TCP_NODELAY); --samples (200) measured after --warmup (50). Prints p50/p90/p99/max.

    python3 bench/idle.py get --port 8080 --path /v1/queues
        the time from sending a GET to reading its whole answer.

    python3 bench/idle.py handoff --port 8080 [--put-port 8081]
        a take parked on --port (leased, wait=10s) all the time; every 20 ms a put of {"n":1}
        (through --put-port when given: another replica on the same Redis); the time from sending
        the put to reading the take's answer. After each answer the job is acked on the taker's
        connection and the next take parks: neither is timed. A take answered 204 before its wait
        ended (the job then stays queued) is counted as cut short, its job taken, and not measured.

Standard library only; the HTTP reading is bench/handoff.py's.
"""
import argparse
import re
import socket
import time
import uuid

from handoff import read_response, request


class Connection:
    """One keep-alive connection to 127.0.0.1:port: a request sent, its answer read."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rest = b""

    def send(self, method, path, body=b""):
        request(self.sock, method, path, body)

    def answer(self):
        status, body, self.rest = read_response(self.sock, self.rest)
        return status, body

    def call(self, method, path, body=b""):
        self.send(method, path, body)
        return self.answer()


class Pacer:
    """Starts a sample every interval: sleeps until the next one is due (at once when late)."""

    def __init__(self, interval_ms):
        self.interval = interval_ms * 1_000_000
        self.due = time.perf_counter_ns()

    def wait(self):
        self.due = max(self.due + self.interval, time.perf_counter_ns())
        pause = self.due - time.perf_counter_ns()
        if pause > 0:
            time.sleep(pause / 1e9)


def get(args):
    connection = Connection(args.port)
    pacer = Pacer(args.interval_ms)
    latencies = []
    for i in range(args.warmup + args.samples):
        pacer.wait()
        started = time.perf_counter_ns()
        status, _ = connection.call("GET", args.path)
        ended = time.perf_counter_ns()
        if status != 200:
            raise SystemExit(f"GET {args.path} answered {status}")
        if i >= args.warmup:
            latencies.append(ended - started)
    report(args, latencies, "")


def handoff(args):
    queue = f"idle-{uuid.uuid4().hex[:8]}"
    taker = Connection(args.port)
    putter = Connection(args.put_port or args.port)
    status, _ = putter.call("PUT", f"/v1/queues/{queue}", b"{}")
    if status not in (200, 201):
        raise SystemExit(f"could not create queue {queue}: {status}")
    take = f"/v1/queues/{queue}/leases?wait=10s"
    pacer = Pacer(args.interval_ms)
    latencies = []
    cut_short = 0
    for i in range(args.warmup + args.samples):
        taker.send("POST", take)
        pacer.wait()  # the take parks meanwhile
        started = time.perf_counter_ns()
        putter.send("POST", f"/v1/queues/{queue}/jobs", b'{"n":1}')
        status, body = taker.answer()
        ended = time.perf_counter_ns()
        put_status, _ = putter.answer()
        if put_status != 201 or status not in (200, 204):
            raise SystemExit(f"unexpected answers: take {status}, put {put_status}")
        if status == 204:
            cut_short += 1
            status, body = taker.call("POST", take.replace("wait=10s", "wait=1s"))
            if status != 200:
                raise SystemExit(f"the job of a take cut short was not in the queue: take {status}")
        elif i >= args.warmup:
            latencies.append(ended - started)
        lease = re.search(rb'"leaseId":"([^"]+)"', body).group(1).decode()
        status, _ = taker.call("POST", f"/v1/queues/{queue}/leases/{lease}/ack")
        if status != 204:
            raise SystemExit(f"the ack answered {status}")
    report(args, latencies, f"; {cut_short} of {args.warmup + args.samples} takes cut short")


def report(args, latencies, note):
    latencies.sort()

    def ms(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] / 1e6

    print(f"{args.label}: p50 {ms(0.50):.2f} ms, p90 {ms(0.90):.2f} ms, p99 {ms(0.99):.2f} ms, "
          f"max {latencies[-1] / 1e6:.2f} ms over {len(latencies)} samples after {args.warmup}, "
          f"one every {args.interval_ms} ms{note}")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="use", required=True)
    for name in ("get", "handoff"):
        use = sub.add_parser(name)
        use.add_argument("--port", type=int, required=True)
        use.add_argument("--samples", type=int, default=200)
        use.add_argument("--warmup", type=int, default=50)
        use.add_argument("--interval-ms", type=int, default=20)
        use.add_argument("--label", default=name)
        if name == "get":
            use.add_argument("--path", default="/")
        else:
            use.add_argument("--put-port", type=int, help="where to send the puts (default: --port)")
    args = parser.parse_args()
    if args.use == "get":
        get(args)
    else:
        handoff(args)


if __name__ == "__main__":
    main()
