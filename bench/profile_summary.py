#!/usr/bin/env python3
"""Prints bench/profile.sh's breakdown of the service's CPU per job from its JFR recording: the
CPU-time samples (jdk.CPUTimeSample) per thread, per package of the frame running (a JDK frame
counts for the package that called into the JDK; system calls apart), the parts of the Redis
path, the hottest frames; GC CPU (jdk.GCCPUTime) and bytes allocated (jdk.ThreadAllocationStatistics)
per job. Shares of samples are turned into µs per job with the service's CPU per job of the run
(all its threads, the GC's and the JIT's too, which the sampler does not see)."""
import argparse
import collections
import json
import pathlib
import re
import subprocess

from peer_summary import wrk

JDK = ("java.", "javax.", "jdk.", "sun.", "com.sun.")

PACKAGES = [("dev.dispatch.backend.redis", "dispatch backend.redis"), ("dev.dispatch.queue", "dispatch queue"),
            ("dev.dispatch.web", "dispatch web"), ("dev.dispatch", "dispatch other"),
            ("io.lettuce", "Lettuce"), ("io.netty", "Netty"), ("org.eclipse.jetty", "Jetty"),
            ("jakarta.servlet", "Jetty"), ("tools.jackson", "Jackson"), ("com.fasterxml.jackson", "Jackson"),
            ("org.springframework.security", "Spring Security"), ("org.springframework", "Spring"),
            ("io.micrometer", "Micrometer"), ("ch.qos.logback", "Logback"), ("org.slf4j", "Logback")]


def package(cls):
    for prefix, name in PACKAGES:
        if cls.startswith(prefix):
            return name
    return "JDK" if cls.startswith(JDK) else "other"


def events(jfr, recording, event, depth=256):
    printed = subprocess.run([jfr, "print", "--json", "--stack-depth", str(depth), "--events", event,
                              str(recording)], check=True, capture_output=True, text=True).stdout
    return [e["values"] for e in json.loads(printed)["recording"]["events"]]


def stack(values):
    frames = (values.get("stackTrace") or {}).get("frames") or []
    return [(f["method"]["type"]["name"].replace("/", "."), f["method"]["name"]) for f in frames]


def seconds(duration):
    """An ISO-8601 duration as jfr prints it in JSON ("PT0.009999999S", "PT1M2S"), in seconds."""
    parts = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", duration).groups(default="0")
    return int(parts[0]) * 3600 + int(parts[1]) * 60 + float(parts[2])


def thread(values, field="eventThread"):
    name = (values.get(field) or {}).get("javaName") or "?"
    if name.startswith("lettuce-epoll") or name.startswith("lettuce-nio"):
        return "Lettuce's event loop"
    if name.startswith("qtp"):
        return "Jetty's threads"
    return "other threads"


def self_package(frames):
    """The package of the leaf; a JDK leaf counts for its nearest non-JDK caller."""
    leaf = frames[0][0]
    if leaf.startswith(("io.netty.channel.epoll.Native", "io.netty.channel.unix")):
        return "system calls, Netty's (epoll, eventfd, socket)"
    if leaf.startswith("sun.nio.ch"):
        return "system calls, JDK NIO's (Jetty's sockets, epoll)"
    if leaf.startswith(JDK):
        for cls, _ in frames[1:]:
            if not cls.startswith(JDK):
                return package(cls)
        return "JDK"
    return package(leaf)


def redis_part(where, frames):
    """Which part of the Redis path a sample is in, or None for the rest (HTTP, the waiting room)."""
    names = {cls + "." + method for cls, method in frames}
    in_redis = any(cls.startswith("dev.dispatch.backend.redis") for cls, _ in frames)
    if where == "Lettuce's event loop":
        if "io.lettuce.core.protocol.AsyncCommand.complete" in names:
            if "dev.dispatch.backend.redis.RedisScripts.run" in names:
                return "event loop: the next call sent from an answer (encode, write)"
            return "event loop: answers handled (batcher, store, waiting room, futures)"
        if "io.lettuce.core.protocol.CommandHandler.channelRead" in names:
            return "event loop: replies decoded (Lettuce)"
        if any(cls.startswith(("io.lettuce", "io.netty.channel.AbstractChannel")) for cls, _ in frames):
            return "event loop: calls from other threads written (encode, write)"
        return "event loop: epoll, wake-ups, the rest"
    if where == "Jetty's threads" and in_redis:
        if "dev.dispatch.backend.redis.RedisScripts.run" in names:
            return "Jetty's threads: a call handed to the event loop (Lettuce, Netty, eventfd)"
        return "Jetty's threads: arguments, batcher, replies read (backend.redis)"
    return None


def show(title, counter, total, per_job, limit=None):
    print(f"\n{title}")
    for key, count in counter.most_common(limit):
        print(f"{100 * count / total:6.1f} %  {per_job * count / total:6.0f} µs/job  {key}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jfr", default="jfr", help="the JDK's jfr tool")
    parser.add_argument("--ticks-per-second", type=int, default=100)
    parser.add_argument("results")
    args = parser.parse_args()
    results = pathlib.Path(args.results)
    recording = results / "profile.jfr"
    jobs = max(1, wrk((results / "cycle.wrk").read_text())["jobs"])
    ticks = int((results / "cpu").read_text().split()[1])
    per_job = ticks / args.ticks_per_second * 1e6 / jobs

    samples = [(thread(v), stack(v)) for v in events(args.jfr, recording, "jdk.CPUTimeSample")]
    samples = [(where, frames) for where, frames in samples if frames]
    total = max(1, len(samples))
    gc = sum(seconds(v["userTime"]) + seconds(v["systemTime"]) for v in events(args.jfr, recording, "jdk.GCCPUTime", 0))
    first, last = {}, {}
    for v in events(args.jfr, recording, "jdk.ThreadAllocationStatistics", 0):
        key = ((v.get("thread") or {}).get("javaThreadId"), thread(v, "thread"))
        first.setdefault(key, v["allocated"])
        last[key] = v["allocated"]
    allocated = collections.Counter()
    for key, value in last.items():
        allocated[key[1]] += value - first[key]

    print(f"{jobs} jobs ({wrk((results / 'cycle.wrk').read_text())['jobs/s']:.0f}/s); service CPU "
          f"{per_job:.0f} µs/job; {len(samples)} CPU samples; GC {gc * 1e6 / jobs:.0f} µs/job; allocated "
          f"{sum(allocated.values()) / jobs / 1024:.1f} KiB/job ("
          + ", ".join(f"{where} {value / jobs / 1024:.1f}" for where, value in allocated.most_common()) + ")")
    show("by thread", collections.Counter(where for where, _ in samples), total, per_job)
    show("self time by package", collections.Counter(self_package(frames) for _, frames in samples), total,
         per_job)
    parts = collections.Counter(redis_part(where, frames) for where, frames in samples)
    parts.pop(None, None)
    if parts:
        show("the Redis path", parts, total, per_job)
        observed = sum(1 for _, frames in samples if any(c.startswith("io.lettuce") for c, _ in frames)
                       and any(c.startswith("io.micrometer") for c, _ in frames))
        print(f"(of which Lettuce's Micrometer observation of each command: {100 * observed / total:.1f} %, "
              f"{per_job * observed / total:.0f} µs/job)")
    show("hottest frames, self time", collections.Counter(f"{c}.{m}" for c, m in (f[0] for _, f in samples)),
         total, per_job, 15)
    frames_total = collections.Counter()
    for _, frames in samples:
        frames_total.update({f"{c}.{m}" for c, m in frames if c.startswith(("dev.dispatch.backend", "io.lettuce"))})
    show("backend and Lettuce frames, total time", frames_total, total, per_job, 15)


if __name__ == "__main__":
    main()
