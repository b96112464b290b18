#!/usr/bin/env python3
"""Measures what parked long-polls cost a running Dispatch.

Opens N connections, each parking a take (wait 60 s) on one queue, waits until the service
reports N waiting takers, then prints the service's heap after a full GC, its resident memory
and its thread count, against the same numbers before. Loopback only; standard library only.

    python3 bench/parked.py --port 8080 --pid <service pid> 1000 5000 10000
"""
import argparse
import asyncio
import json
import re
import subprocess
import time
import urllib.request


def heap_after_gc(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    used = re.search(r"used (\d+)K", info)
    return int(used.group(1)) * 1024


def rss_and_threads(pid):
    status = open(f"/proc/{pid}/status").read()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return rss, threads


def waiting_takers(port, queue):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/queues/{queue}", timeout=10) as response:
        return json.load(response)["waitingTakers"]


async def park(port, queue, n, opened):
    request = (f"POST /v1/queues/{queue}/leases?wait=60s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Content-Length: 0\r\n\r\n").encode()
    for i in range(n):
        for attempt in range(5):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:  # the listen backlog overflowed: give the acceptor a moment
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            raise RuntimeError(f"could not open connection {i + 1}")
        writer.write(request)
        opened.append(writer)
        if i % 200 == 199:  # let the server accept and park what was sent
            await asyncio.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("counts", type=int, nargs="+")
    args = parser.parse_args()
    queue = "parked-bench"
    put = urllib.request.Request(f"http://127.0.0.1:{args.port}/v1/queues/{queue}",
                                 data=b"{}", method="PUT", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(put).read()
    base_heap = heap_after_gc(args.pid)
    base_rss, base_threads = rss_and_threads(args.pid)
    print(f"baseline: heap {base_heap / 2**20:.1f} MiB, rss {base_rss / 2**20:.1f} MiB, threads {base_threads}")
    print("parked | heap MiB | heap/parked KiB | rss MiB | rss/parked KiB | threads")
    for n in args.counts:
        opened = []
        loop = asyncio.new_event_loop()
        loop.run_until_complete(park(args.port, queue, n, opened))
        deadline = time.time() + 60
        while waiting_takers(args.port, queue) < n and time.time() < deadline:
            time.sleep(0.2)
        parked = waiting_takers(args.port, queue)
        heap = heap_after_gc(args.pid)
        rss, threads = rss_and_threads(args.pid)
        print(f"{parked:6d} | {heap / 2**20:8.1f} | {(heap - base_heap) / max(parked, 1) / 1024:15.1f} |"
              f" {rss / 2**20:7.1f} | {(rss - base_rss) / max(parked, 1) / 1024:14.1f} | {threads}")
        for writer in opened:
            writer.close()
        loop.run_until_complete(asyncio.sleep(0.5))
        loop.close()
        deadline = time.time() + 30
        while waiting_takers(args.port, queue) > 0 and time.time() < deadline:
            time.sleep(0.2)


if __name__ == "__main__":
    main()
