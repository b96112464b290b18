#!/usr/bin/env python3
"""Prints the tables of a bench/backends.sh run from the files it left in its results directory:
ROUND-BACKEND.wrk (wrk + cycle.lua), .cpu (clock ticks the service and redis-server used during
that wrk run), .handoff (bench/handoff.py), .commands and .ops (bench/roundtrips.py).

    python3 bench/summary.py --ticks-per-second 100 /tmp/dispatch-backends.XXXXXX
"""
import argparse
import pathlib
import re


def wrk(text):
    def latency(percentile):
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    seconds = float(re.search(r"requests in ([\d.]+)(m?s)", text).group(1))
    if re.search(r"requests in [\d.]+ms", text):
        seconds /= 1000
    cycles = int(re.search(r"cycles: (\d+)", text).group(1))
    return {"cycles/s": cycles / seconds, "cycles": cycles,
            "requests/s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            "p50": latency(50), "p99": latency(99),
            "unexpected": int(re.search(r"unexpected answers: (\d+)", text).group(1))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks-per-second", type=int, default=100)
    parser.add_argument("results")
    args = parser.parse_args()
    results = pathlib.Path(args.results)
    runs = [path.stem for path in sorted(results.glob("*.wrk"), key=lambda path: path.stat().st_mtime)]

    print("put -> take -> ack over HTTP, 8 connections (wrk + cycle.lua); CPU per cycle from /proc:")
    print(f"{'round-backend':18} {'cycles/s':>9} {'requests/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'service CPU µs/cycle':>21} {'redis CPU µs/cycle':>19} {'unexpected':>10}")
    memory = {}
    for run in runs:
        measured = wrk((results / f"{run}.wrk").read_text())
        cpu = dict(line.split() for line in (results / f"{run}.cpu").read_text().splitlines())
        per_cycle = {name: int(ticks) / args.ticks_per_second * 1e6 / measured["cycles"]
                     for name, ticks in cpu.items()}
        round_number, backend = run.split("-", 1)
        if backend == "memory":
            memory[round_number] = measured["cycles/s"]
        redis_cpu = f"{per_cycle['redis']:.0f}" if "redis" in per_cycle else "—"
        print(f"{run:18} {measured['cycles/s']:9.0f} {measured['requests/s']:10.0f} {measured['p50']:7.2f} "
              f"{measured['p99']:7.2f} {per_cycle['service']:21.0f} {redis_cpu:>19} {measured['unexpected']:10}")
    for run in runs:
        round_number, backend = run.split("-", 1)
        if backend != "memory" and round_number in memory:
            measured = wrk((results / f"{run}.wrk").read_text())
            print(f"  round {round_number}: a cycle on {backend} takes "
                  f"{memory[round_number] / measured['cycles/s']:.2f}x the time of one on memory")

    print("\nhand-off to a parked taker (bench/handoff.py):")
    for run in runs:
        print(f"{run:18} {(results / f'{run}.handoff').read_text().strip()}")

    for suffix, title in ((".commands", "Redis commands during the timed cycle run (INFO commandstats):"),
                          (".ops", "Redis round trips per operation (MONITOR):")):
        files = [run for run in runs if (results / f"{run}{suffix}").exists()]
        if files:
            print(f"\n{title}")
            for run in files:
                print(f"{run}:")
                for line in (results / f"{run}{suffix}").read_text().splitlines():
                    print(f"  {line}")


if __name__ == "__main__":
    main()
