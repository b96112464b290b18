#!/bin/sh
# Two replicas on one Redis beside one replica (not part of `./mvnw verify`). For each layout in
# turn, a redis-server of its own (free loopback port, no persistence), the same jar (copied
# first), the same 512 MiB heap and the same warm-up, then:
#   1. jobs/s through one queue (capacity 1000): 4 producers put (wrk + bench/cycle.lua with
#      BENCH_ROLE=produce) while 4 consumers take and ack (BENCH_ROLE=consume), with the CPU
#      time the services and redis-server used meanwhile (/proc/PID/stat);
#   2. hand-off latency, put to a parked taker's answer (bench/handoff.py).
# Layouts: one (a single replica serves producers and consumers); two (producers on replica A,
# consumers and the parked takes on replica B: every job crosses over Redis, every hand-off is
# a wake-up from A to B). ROUNDS=2 runs both twice, alternating; WARMUP (60s) is the length of
# the warm-up run. Needs wrk, python3 and redis-server (apt). Method and numbers:
# docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && [ROUNDS=2] bench/replicas.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20s}
rounds=${ROUNDS:-1}
warmup=${WARMUP:-60s}
layouts=${LAYOUTS:-one two}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-replicas.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
redis_pid=
a_pid=
b_pid=
stop_all() {
  for pid in $a_pid $b_pid; do
    service_pid=$pid
    stop_service
  done
  a_pid= b_pid=
  stop_redis
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# load SECONDS PRODUCE_URL CONSUME_URL OUT: producers and consumers at once; OUT.produce, .consume
load() {
  BENCH_ROLE=produce wrk -t 4 -c 4 -d "$1" -s bench/cycle.lua "$2" > "$4.produce" &
  producers=$!
  BENCH_ROLE=consume wrk -t 4 -c 4 -d "$1" --latency -s bench/cycle.lua "$3" > "$4.consume"
  wait "$producers"
}

echo "== $(nproc) cores shared by the services, redis-server and the load; results in $out"
for round in $(seq 1 "$rounds"); do
  for layout in $layouts; do
    run="$out/$round-$layout"
    start_redis
    start_service "$out/dispatch.jar" "$run.a.log" redis
    a_pid=$service_pid a_url=$url a_port=$service_port
    case "$layout" in
      one) b_url=$a_url b_port=$a_port ;;
      two)
        start_service "$out/dispatch.jar" "$run.b.log" redis
        b_pid=$service_pid b_url=$url b_port=$service_port
        ;;
      *) echo "unknown layout $layout (one, two)" >&2; exit 2 ;;
    esac
    echo "== round $round, $layout: services $a_pid $b_pid, redis-server $redis_pid"
    curl -fs -X PUT "$a_url/v1/queues/bench" -H 'Content-Type: application/json' -d '{"capacity": 1000}' > /dev/null
    load "$warmup" "$a_url" "$b_url" "$run.warmup"
    python3 bench/handoff.py --port "$b_port" --put-port "$a_port" --samples 400 > /dev/null
    ticks=$(cpu_ticks "$redis_pid")
    for pid in $a_pid $b_pid; do ticks="$ticks $(cpu_ticks "$pid")"; done
    load "$duration" "$a_url" "$b_url" "$run"
    after=$(cpu_ticks "$redis_pid")
    for pid in $a_pid $b_pid; do after="$after $(cpu_ticks "$pid")"; done
    echo "$ticks" > "$run.cpu"
    echo "$after" >> "$run.cpu"
    python3 bench/handoff.py --port "$b_port" --put-port "$a_port" --samples 2000 > "$run.handoff"
    stop_all
  done
done

python3 - "$out" "$(getconf CLK_TCK)" << 'EOF'
import pathlib
import re
import sys

out, tick = pathlib.Path(sys.argv[1]), int(sys.argv[2])
print("| round, layout | jobs/s (acked) | jobs/s (put) | take+ack p50 | p99 "
      "| service CPU per job | redis-server CPU per job | hand-off p50 | p90 | p99 | max | cut short |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for run in sorted({p.name.split(".")[0] for p in out.glob("*-*.consume") if "warmup" not in p.name}):
    base = out / run
    consume, produce = (base.with_suffix(s).read_text() for s in (".consume", ".produce"))
    seconds = float(re.search(r"requests in ([\d.]+)s", consume).group(1))
    acked = int(re.search(r"cycles: (\d+)", consume).group(1))
    put = int(re.search(r"cycles: (\d+)", produce).group(1))
    def latency(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", consume, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    before, after = ([int(x) for x in line.split()] for line in base.with_suffix(".cpu").read_text().splitlines())
    used = [(a - b) / tick for a, b in zip(after, before)]
    per_job = lambda s: f"{s / acked * 1e6:.0f} µs"
    hand = base.with_suffix(".handoff").read_text()
    stats = dict(re.findall(r"(p50|p90|p99|max) (\d+)", hand))
    cut = re.search(r"(\d+) of \d+ takes cut short", hand).group(1)
    ms = lambda k: f"{int(stats[k]) / 1000:.2f} ms"
    print(f"| {run.replace('-', ', ')} | {acked / seconds:,.0f} | {put / seconds:,.0f} | {latency(50):.1f} ms "
          f"| {latency(99):.1f} ms | {per_job(sum(used[1:]))} | {per_job(used[0])} "
          f"| {ms('p50')} | {ms('p90')} | {ms('p99')} | {ms('max')} | {cut} |")
EOF
