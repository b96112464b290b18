#!/usr/bin/env python3
"""Prints the tables of a bench/bullmq.sh run from the files it left in its results directory, per
run ROUND-SYSTEM-WORKLOAD: .result (wrk's output with bench/cycle.lua, batch.lua or
settle_take.lua; or bench/bullmq/cycle.mjs's), and .before/.after snapshots: .stats (INFO
commandstats as "command calls microseconds" lines), .cpu (clock ticks of redis-server with its
waited-for children, of Dispatch's service, of the client — BullMQ's Node process, or wrk — and of
the whole machine; then the time in nanoseconds) and .aof (the AOF rewrites Redis had made).

    python3 bench/bullmq_summary.py --ticks-per-second 100 /tmp/dispatch-bullmq.XXXXXX
"""
import argparse
import pathlib
import re

from peer_summary import wrk
from roundtrips import read_stats

RUNS = {("bullmq", "single"): "BullMQ, add -> worker -> complete",
        ("dispatch", "single"): "Dispatch, put -> take -> ack",
        ("dispatch", "settle"): "Dispatch, put -> settle-and-take",
        ("bullmq", "bulk"): "BullMQ, addBulk of 10",
        ("dispatch", "batch"): "Dispatch, batches of 10"}
SCRIPTS = {"evalsha", "eval", "fcall", "evalsha_ro", "eval_ro", "fcall_ro"}
# What the harness sends Redis itself between the snapshots: the snapshot's INFO.
OWN = {"info"}


def result(text):
    """(jobs, seconds, p50 in ms or None, unexpected answers) of wrk's or cycle.mjs's output."""
    node = re.search(r"^jobs: (\d+) \(\d+/s\) in ([\d.]+) s, .*failed (\d+)", text, re.M)
    if node:
        return int(node.group(1)), float(node.group(2)), None, int(node.group(3))
    measured = wrk(text)
    return measured["jobs"], measured["seconds"], measured["p50"], measured["unexpected"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks-per-second", type=int, default=100)
    parser.add_argument("results")
    args = parser.parse_args()
    results = pathlib.Path(args.results)
    micros_per_tick = 1e6 / args.ticks_per_second
    runs = {}
    for path in sorted(results.glob("*.result")):
        round_, system, workload = path.stem.split("-")
        jobs, seconds, p50, unexpected = result(path.read_text())
        base = results / path.stem
        ran = read_stats(f"{base}.after.stats")
        ran.subtract(read_stats(f"{base}.before.stats"))
        for name in OWN:
            del ran[name]
        ran = {name: calls for name, calls in ran.items() if calls > 0}
        micros = read_stats(f"{base}.after.stats", column=2)
        micros.subtract(read_stats(f"{base}.before.stats", column=2))
        before, after = ([int(n) for n in pathlib.Path(f"{base}.{s}.cpu").read_text().split()]
                         for s in ("before", "after"))
        redis, service, client, machine, nanos = (a - b for a, b in zip(after, before))
        per_job = micros_per_tick / max(jobs, 1)
        rewrites = (int(pathlib.Path(f"{base}.after.aof").read_text())
                    - int(pathlib.Path(f"{base}.before.aof").read_text()))
        runs[(int(round_), system, workload)] = {
            "jobs/s": jobs / seconds, "p50": p50, "unexpected": unexpected, "rewrites": rewrites,
            "redis": redis * per_job, "service": service * per_job, "client": client * per_job,
            "commands": sum(ran.values()) / max(jobs, 1),
            "scripts": sum(c for n, c in ran.items() if n in SCRIPTS) / max(jobs, 1),
            "in scripts": sum(micros[n] for n in SCRIPTS) / max(jobs, 1),
            "ran": ran, "jobs": jobs,
            "others": max(0, machine - redis - service - client) / args.ticks_per_second / (nanos / 1e9)}

    print("| round | run | jobs/s | redis-server CPU per job | of which in scripts | Redis commands per job "
          "| scripts per job | Dispatch's CPU per job | client's CPU per job | p50 per request | others |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (round_, system, workload), run in sorted(runs.items(), key=order):
        dispatch = system == "dispatch"
        p50 = f"{run['p50']:.2f} ms" if run["p50"] is not None else ""
        note = f" ({run['unexpected']} unexpected answers)" if run["unexpected"] else ""
        if run["rewrites"]:
            note += f" ({run['rewrites']} AOF rewrite(s) Redis started itself)"
        service = f"{run['service']:.0f} µs" if dispatch else ""
        print(f"| {round_} | {RUNS[(system, workload)]}{note} | {run['jobs/s']:,.0f} | {run['redis']:.0f} µs "
              f"| {run['in scripts']:.0f} µs | {run['commands']:.1f} | {run['scripts']:.2f} | {service} "
              f"| {run['client']:.0f} µs | {p50} | {run['others']:.2f} |")
    print("of which in scripts: the time Redis measured running scripts (INFO commandstats), the rest "
          "is reading, parsing, answering, the AOF and the event loop. client: wrk for Dispatch; for BullMQ "
          "its Node process, producers and worker (BullMQ's own work is there). others: cores used "
          "meanwhile by other processes (the machine is shared).")

    print()
    print("Dispatch / BullMQ, same round:")
    for round_ in sorted({r for r, _, _ in runs}):
        for dispatch, bullmq in ((("dispatch", "single"), ("bullmq", "single")),
                                 (("dispatch", "settle"), ("bullmq", "single")),
                                 (("dispatch", "batch"), ("bullmq", "bulk"))):
            d, b = runs.get((round_, *dispatch)), runs.get((round_, *bullmq))
            if d and b:
                print(f"  round {round_}, {RUNS[dispatch]} / {RUNS[bullmq]}: jobs/s {d['jobs/s'] / b['jobs/s']:.2f}x, "
                      f"redis-server CPU per job {d['redis'] / b['redis']:.2f}x, "
                      f"Redis commands per job {d['commands']:.1f} against {b['commands']:.1f}")

    print()
    print("Redis commands per job, by command (INFO commandstats, scripts' own commands included):")
    for (round_, system, workload), run in sorted(runs.items(), key=order):
        top = sorted(run["ran"].items(), key=lambda c: -c[1])
        print(f"  round {round_}, {RUNS[(system, workload)]}: "
              + ", ".join(f"{name} {calls / max(run['jobs'], 1):.2f}" for name, calls in top))


def order(item):
    (round_, system, workload), _ = item
    return round_, list(RUNS).index((system, workload))


if __name__ == "__main__":
    main()
