#!/usr/bin/env python3
"""Redis commands per queue operation of the service on the Redis backend.

Each queue operation is one or more Lua functions (FCALL, one round trip each); the commands a
script runs inside Redis cost Redis time but no round trip. Three uses:

    python3 bench/roundtrips.py stats --redis-port 6379 > before.txt
        prints INFO commandstats as "command calls microseconds" lines, a snapshot to subtract
        (a script's microseconds include those of the commands it calls, which count their own).

    python3 bench/roundtrips.py cycles --before before.txt --after after.txt --wrk wrk.out --jar JAR
        divides the commands Redis ran between two snapshots by the put -> take -> ack cycles of a
        `wrk -s bench/cycle.lua` run (its output in wrk.out). A take that came back empty is
        retried by cycle.lua, so requests = 3 x cycles + empty takes (+ at most 2 per connection
        for the cycles cut off at the end): the empty takes are counted as requests - 3 x cycles.

    python3 bench/roundtrips.py ops --port 8080 --redis-port 6379 --jar JAR [--count 200]
        watches Redis with MONITOR (which tells commands a client sent from those a script ran)
        while it sends, one at a time on one keep-alive connection, COUNT puts, COUNT leased
        takes, COUNT acks, COUNT takes of an empty queue, COUNT auto-acked takes, and COUNT
        hand-offs (a take parked with wait=10s, then a put on a second connection); prints the
        commands the service sent per operation, scripts by name. MONITOR slows Redis down: do
        not time anything meanwhile.

Each queue operation is one function of the service's Redis Functions library (FCALL
dispatch_<digest>_<file>), named here by its file; the commands the functions may call are read
from the .lua files in the service's jar. Standard library only.
"""
import argparse
import re
import socket
import sys
import threading
import time
import zipfile
from collections import Counter

from handoff import read_response, request

SCRIPTS = "BOOT-INF/classes/dev/dispatch/backend/redis/"

# What this harness sends Redis itself; never counted.
OWN = {"info", "config|resetstat", "monitor", "echo"}


def scripts_in(jar):
    """Names of the commands the library's functions call."""
    with zipfile.ZipFile(jar) as archive:
        names = [n for n in archive.namelist() if n.startswith(SCRIPTS) and n.endswith(".lua")]
        sources = [archive.read(n).decode() for n in names]
    called = set()
    for source in sources:
        called.update(c.lower() for c in re.findall(r"redis\.call\('([A-Za-z]+)'", source))
    return called


def function_name(called):
    """The file a function of the library was made of: dispatch_<digest>_<file>."""
    parts = called.split("_", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "dispatch" else called


def command(port, *arguments):
    """Sends one command over a new socket; answers a simple or bulk string reply."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(encode(arguments))
        reader = sock.makefile("rb")
        line = reader.readline()
        if line.startswith(b"$"):
            return reader.read(int(line[1:]) + 2)[:-2].decode()
        if line.startswith(b"+"):
            return line[1:].strip().decode()
        raise SystemExit(f"redis answered {line!r} to {arguments}")


def encode(arguments):
    out = b"*%d\r\n" % len(arguments)
    for argument in arguments:
        data = argument.encode() if isinstance(argument, str) else argument
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    return out


def commandstats(port):
    """(calls, microseconds) by command."""
    calls, micros = Counter(), Counter()
    for line in command(port, "INFO", "commandstats").splitlines():
        match = re.match(r"cmdstat_([^:]+):calls=(\d+),usec=(\d+)", line)
        if match:
            calls[match.group(1)] = int(match.group(2))
            micros[match.group(1)] = int(match.group(3))
    return calls, micros


def read_stats(path, column=1):
    """A snapshot written by `stats`: calls by command (column 1), or microseconds (column 2)."""
    counts = Counter()
    with open(path) as file:
        for line in file:
            fields = line.split()
            counts[fields[0]] = int(fields[column])
    return counts


def per_cycle(args):
    ran = read_stats(args.after)
    ran.subtract(read_stats(args.before))
    for name in OWN:
        del ran[name]
    with open(args.wrk) as file:
        output = file.read()
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    cycles = int(re.search(r"cycles: (\d+)", output).group(1))
    empty = requests - 3 * cycles
    called = scripts_in(args.jar)
    sent = {n: c for n, c in ran.items() if c > 0 and n not in called}
    inside = {n: c for n, c in ran.items() if c > 0 and n in called}
    print(f"{cycles} cycles, {requests} requests: {empty} takes came back empty "
          f"(requests - 3 x cycles; {empty / cycles:.3f} per cycle)")
    print(f"sent by the service, per cycle: {per(sent, cycles)}; "
          f"round trips {sum(sent.values()) / cycles:.2f} per cycle, "
          f"{sum(sent.values()) / requests:.2f} per request")
    print(f"run inside scripts, per cycle: {sum(inside.values()) / cycles:.1f} ({per(inside, cycles)})")


def per(calls, divisor):
    return ", ".join(f"{name} {count / divisor:.2f}" for name, count in sorted(calls.items(), key=lambda c: -c[1]))


class Monitor:
    """Every command Redis runs, as (client, command, first argument), through MONITOR."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(encode(["MONITOR"]))
        self.reader = self.sock.makefile("rb")
        if not self.reader.readline().startswith(b"+OK"):
            raise SystemExit("MONITOR refused")
        self.seen = []
        self.lock = threading.Lock()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        pattern = re.compile(rb'^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]+)"(?: "([^"]*)")?')
        for line in self.reader:
            match = pattern.match(line)
            if match:
                client, name, first = (g.decode(errors="replace") if g else "" for g in match.groups())
                with self.lock:
                    self.seen.append((client, name.lower(), first))

    def mark(self, port, text):
        """Sends ECHO text and waits until MONITOR shows it: everything before it is seen."""
        command(port, "ECHO", text)
        while True:
            with self.lock:
                if any(n == "echo" and f == text for _, n, f in self.seen):
                    return
            time.sleep(0.005)

    def between(self, start, end):
        with self.lock:
            names = [(n, f) for _, n, f in self.seen]
        begin = names.index(("echo", start))
        return self.seen[begin + 1:names.index(("echo", end), begin)]


def per_operation(args):
    monitor = Monitor(args.redis_port)
    queue = "roundtrips"
    connection = socket.create_connection(("127.0.0.1", args.port))
    second = socket.create_connection(("127.0.0.1", args.port))
    buffers = {connection: b"", second: b""}

    def call(sock, method, path, body=b""):
        request(sock, method, path, body)
        status, answer, buffers[sock] = read_response(sock, buffers[sock])
        return status, answer

    if call(connection, "PUT", f"/v1/queues/{queue}", b'{"capacity": 10000}')[0] not in (200, 201):
        raise SystemExit(f"could not create queue {queue}")
    leases = []

    def put(_):
        expect(call(connection, "POST", f"/v1/queues/{queue}/jobs?wait=0", b'{"n":1}'), 201)

    def take(_):
        status, answer = call(connection, "POST", f"/v1/queues/{queue}/leases?wait=0")
        expect((status, answer), 200)
        leases.append(re.search(rb'"leaseId":"([^"]+)"', answer).group(1).decode())

    def ack(i):
        expect(call(connection, "POST", f"/v1/queues/{queue}/leases/{leases[i]}/ack"), 204)

    def empty_take(_):
        expect(call(connection, "POST", f"/v1/queues/{queue}/leases?wait=0"), 204)

    def auto_take(_):
        expect(call(connection, "POST", f"/v1/queues/{queue}/leases?wait=0&ack=auto"), 200)

    def hand_off(_):
        request(connection, "POST", f"/v1/queues/{queue}/leases?wait=10s&ack=auto")
        time.sleep(0.005)  # long enough for the take to park
        expect(call(second, "POST", f"/v1/queues/{queue}/jobs?wait=0", b'{"n":1}'), 201)
        status, answer, buffers[connection] = read_response(connection, buffers[connection])
        expect((status, answer), 200)

    phases = [("put", put), ("leased take", take), ("ack", ack), ("take, queue empty", empty_take),
              ("put, for the auto-acked takes", put), ("auto-acked take (ack=auto)", auto_take),
              ("hand-off: parked take + put", hand_off)]
    print(f"commands the service sent Redis per operation, {args.count} of each, one at a time (MONITOR):")
    for number, (name, operation) in enumerate(phases):
        start, end = f"start-{number}", f"end-{number}"
        monitor.mark(args.redis_port, start)
        done = 0
        for i in range(args.count):
            try:
                operation(i)
            except SystemExit as failure:
                # what follows would count something else (a failed hand-off leaves its job queued)
                print(f"  {name}: number {i + 1} failed ({failure}); counted over the {done} before it")
                break
            done += 1
        time.sleep(0.2)  # lets follow-up commands sent after the answers arrive
        monitor.mark(args.redis_port, end)
        sent = Counter()
        inside = 0
        for client, verb, first in monitor.between(start, end):
            if client == "lua":
                inside += 1
            elif verb not in OWN:
                sent[f"{verb} {function_name(first)}" if verb == "fcall" else verb] += 1
        if done == 0:
            continue
        total = sum(sent.values())
        print(f"  {name:32} {total / done:5.2f} round trips ({per(sent, done) or 'none'}); "
              f"{inside / done:.1f} commands inside scripts")


def expect(answer, status):
    if answer[0] != status:
        raise SystemExit(f"expected {status}, got {answer[0]}: {answer[1][:200]!r}")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="use", required=True)
    stats = sub.add_parser("stats")
    stats.add_argument("--redis-port", type=int, required=True)
    cycles = sub.add_parser("cycles")
    cycles.add_argument("--before", required=True)
    cycles.add_argument("--after", required=True)
    cycles.add_argument("--wrk", required=True)
    cycles.add_argument("--jar", required=True)
    ops = sub.add_parser("ops")
    ops.add_argument("--port", type=int, required=True)
    ops.add_argument("--redis-port", type=int, required=True)
    ops.add_argument("--jar", required=True)
    ops.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    if args.use == "stats":
        calls, micros = commandstats(args.redis_port)
        for name in sorted(calls):
            sys.stdout.write(f"{name} {calls[name]} {micros[name]}\n")
    elif args.use == "cycles":
        per_cycle(args)
    else:
        per_operation(args)


if __name__ == "__main__":
    main()
