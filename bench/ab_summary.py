#!/usr/bin/env python3
"""Prints bench/ab.sh's results: per backend and round, A's and B's jobs/s and CPU per job (the
service's, and redis-server's), and B over A."""
import argparse
import pathlib
import statistics

from peer_summary import wrk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks-per-second", type=int, default=100)
    parser.add_argument("results")
    args = parser.parse_args()
    results = pathlib.Path(args.results)
    runs = {}
    for path in sorted(results.glob("*.wrk")):
        round_, backend, build = path.stem.split("-")
        measured = wrk(path.read_text())
        cpu = dict(line.split() for line in path.with_suffix(".cpu").read_text().splitlines())
        ticks = {name: int(value) for name, value in cpu.items()}
        per_job = {name: value / args.ticks_per_second * 1e6 / max(1, measured["jobs"])
                   for name, value in ticks.items()}
        runs[(backend, int(round_), build)] = (measured, per_job)
    for backend in sorted({key[0] for key in runs}):
        print(f"\n{backend}: put -> take -> ack, 8 connections")
        print(f"{'round':>5} {'A jobs/s':>9} {'B jobs/s':>9} {'B/A':>6}   {'A svc µs':>8} {'B svc µs':>8} {'B/A':>6}"
              + ("   A redis µs B redis µs    B/A" if backend == "redis" else ""))
        ratios, cpu_ratios = [], []
        for round_ in sorted({key[1] for key in runs if key[0] == backend}):
            a, a_cpu = runs[(backend, round_, "A")]
            b, b_cpu = runs[(backend, round_, "B")]
            ratio = b["jobs/s"] / a["jobs/s"]
            cpu_ratio = b_cpu["service"] / a_cpu["service"]
            ratios.append(ratio)
            cpu_ratios.append(cpu_ratio)
            line = (f"{round_:>5} {a['jobs/s']:>9.0f} {b['jobs/s']:>9.0f} {ratio:>6.2f}   "
                    f"{a_cpu['service']:>8.0f} {b_cpu['service']:>8.0f} {cpu_ratio:>6.2f}")
            if "redis" in a_cpu:
                line += (f"   {a_cpu['redis']:>10.0f} {b_cpu['redis']:>10.0f} "
                         f"{b_cpu['redis'] / a_cpu['redis']:>6.2f}")
            print(line)
        print(f"median B/A: jobs/s {statistics.median(ratios):.2f}, service CPU per job "
              f"{statistics.median(cpu_ratios):.2f}")


if __name__ == "__main__":
    main()
