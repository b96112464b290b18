#!/usr/bin/env python3
"""Prints the table of a bench/peer.sh run from the files it left in its results directory:
ROUND-WORKLOAD-SERVER.wrk (wrk with cycle.lua, batch.lua, settle_take.lua, sqs.lua or noop.lua)
and .cpu (clock ticks during that wrk run: the server's, its JIT compiler threads', the other
server's, which sat idle meanwhile, wrk's, the whole machine's, the server's garbage collector
threads', and Dispatch's redis-server's with BACKEND=redis, counted as Dispatch's CPU).

    python3 bench/peer_summary.py --ticks-per-second 100 /tmp/dispatch-peer.XXXXXX
"""
import argparse
import pathlib
import re

WORKLOADS = {"single": "put -> take -> ack, 1 job per request",
             "batch": "the same in batches of 10 (jobs counted, not requests)",
             "settle": "put -> settle-and-take (the ack and the next take in one request), Dispatch "
                       "only, D/E against ElasticMQ's single",
             "noop": "POST /bench/noop, the ceiling (requests, not jobs)"}
# The ElasticMQ workload each Dispatch workload is compared with.
PEER_WORKLOAD = {"single": "single", "settle": "single", "batch": "batch"}
SERVERS = ("dispatch", "elasticmq")


def wrk(text):
    """jobs/s (requests/s for noop.lua, which counts nothing itself), requests/s, p50 in ms,
    jobs, unexpected answers."""
    value, unit = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    p50 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    requests, seconds, unit = re.search(r"(\d+) requests in ([\d.]+)(m?s)", text).groups()
    seconds = float(seconds) / (1000 if unit == "ms" else 1)
    counted = re.search(r"(?:cycles|jobs): (\d+) .*unexpected answers: (\d+)", text)
    jobs, unexpected = (int(counted.group(1)), int(counted.group(2))) if counted else (int(requests), 0)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if not counted and non_2xx:
        unexpected = int(non_2xx.group(1))
    return {"jobs/s": jobs / seconds, "requests/s": int(requests) / seconds, "p50": p50,
            "jobs": jobs, "requests": int(requests), "seconds": seconds, "unexpected": unexpected}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks-per-second", type=int, default=100)
    parser.add_argument("results")
    args = parser.parse_args()
    results = pathlib.Path(args.results)
    runs = {}
    for path in results.glob("*.wrk"):
        round_, workload, server = path.stem.split("-")
        measured = wrk(path.read_text())
        counts = [int(n) for n in (results / f"{path.stem}.cpu").read_text().split()]
        ticks, jit, idle, client, machine, gc = counts[:6]
        store = counts[6] if len(counts) > 6 else 0
        # Dispatch's redis-server (BACKEND=redis) serves its jobs: its CPU counts as Dispatch's
        ticks += store
        hz = args.ticks_per_second
        micros = 1e6 / hz / max(measured["jobs"], 1)
        measured.update({"cpu": ticks * micros, "cpu-jit": (ticks - jit) * micros, "idle": idle / hz,
                         "gc": gc / max(ticks - store, 1),
                         "others": max(0, machine - ticks - idle - client) / hz / measured["seconds"],
                         "store": store * micros,
                         "client": client * 1e6 / hz / measured["requests"]})
        runs[(int(round_), workload, server)] = measured

    print("8 connections (wrk -t8 -c8), one cycle per connection; service CPU from /proc "
          "(\"without JIT\": less its C1/C2 compiler threads)")
    print(f"{'round':5} {'workload':8} {'server':9} {'jobs/s':>8} {'requests/s':>10} {'p50 ms':>7} "
          f"{'CPU µs/job':>10} {'without JIT':>11} {'D/E jobs/s':>10} {'D/E CPU/job':>11} {'GC':>4} {'others':>6}  notes")
    for workload in WORKLOADS:
        for (round_, name, server), measured in sorted(runs.items()):
            if name != workload:
                continue
            rate_ratio = cpu_ratio = ""
            peer_run = (round_, PEER_WORKLOAD.get(workload), "elasticmq")
            if server == "dispatch" and peer_run in runs:
                peer = runs[peer_run]
                rate_ratio = f"{measured['jobs/s'] / peer['jobs/s']:.2f}"
                cpu_ratio = f"{measured['cpu'] / peer['cpu']:.2f}"
            notes = []
            if measured["unexpected"]:
                notes.append(f"{measured['unexpected']} unexpected answers")
            if measured["store"]:
                notes.append(f"redis-server {measured['store']:.0f} µs/job of it")
            if measured["idle"] >= 0.05:
                notes.append(f"the idle server used {measured['idle']:.2f} s of CPU")
            print(f"{round_:<5} {workload:8} {server:9} {measured['jobs/s']:8.0f} "
                  f"{measured['requests/s']:10.0f} {measured['p50']:7.2f} {measured['cpu']:10.0f} "
                  f"{measured['cpu-jit']:11.0f} {rate_ratio:>10} {cpu_ratio:>11} {measured['gc']:4.0%} {measured['others']:6.2f}  "
                  + "; ".join(notes))
    clients = sorted(measured["client"] for measured in runs.values())
    print("D/E: Dispatch / ElasticMQ, same round. GC: the share of the server's CPU its garbage "
          "collector threads used. others: cores used meanwhile by other processes than the two "
          "servers and wrk (the machine is shared).")
    print(f"wrk used {clients[0]:.0f}-{clients[-1]:.0f} µs of CPU per request.")
    print("workloads: " + "; ".join(f"{name}: {text}" for name, text in WORKLOADS.items()))


if __name__ == "__main__":
    main()
