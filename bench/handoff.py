#!/usr/bin/env python3
"""Hand-off latency: how long after a put a parked taker has its job.

For each sample, one connection parks a take (wait 10 s); 2 ms later (time for it to park),
a second connection puts a job, and the time from sending the put to reading the take's answer
is recorded. Prints p50/p90/p99/max. Loopback only; standard library only; keep-alive sockets.

--put-port sends the puts to another replica of the service (Redis backend): the take parks on
--port, the put goes through --put-port, and the job crosses over Redis.

A take answered 204 before its wait ended (the put's job stays queued) is counted, not measured:
its job is taken and the run goes on. Until 2026-11-30 the service did this to 1-6 % of takes
under load (a false "client gone"); it should now count none.

    python3 bench/handoff.py --port 8080 [--put-port 8081] --samples 2000
"""
import argparse
import socket
import statistics
import time
import uuid


def request(sock, method, path, body=b""):
    sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def read_response(sock, buffer):
    """Reads one response (Content-Length or chunked); answers (status, body, rest of buffer)."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = buffer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += sock.recv(65536)
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                rest += sock.recv(65536)
            body, rest = body + rest[:size], rest[size + 2:]
            if size == 0:
                return status, body, rest
    length = int(headers.get(b"content-length", b"0"))
    while len(rest) < length:
        rest += sock.recv(65536)
    return status, rest[:length], rest[length:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--put-port", type=int, help="where to send the puts (default: --port)")
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    queue = f"handoff-{uuid.uuid4().hex[:8]}"
    taker = socket.create_connection(("127.0.0.1", args.port))
    putter = socket.create_connection(("127.0.0.1", args.put_port or args.port))
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
