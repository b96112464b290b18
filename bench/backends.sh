#!/bin/sh
# The memory and Redis backends side by side, in one run (not part of `./mvnw verify`): for each
# backend in turn, the same jar (copied first, so a build meanwhile changes nothing), the same
# 512 MiB heap and the same warm-up, then
#   1. put -> take -> ack cycles/s over 8 keep-alive connections (wrk + bench/cycle.lua), with the
#      CPU time the service and redis-server used meanwhile (/proc/PID/stat),
#   2. hand-off latency, put to a parked taker's answer (bench/handoff.py, which counts
#      takes answered 204 before their wait ended),
#   3. on Redis: the commands Redis ran per cycle during 1. (INFO commandstats, after - before),
#      and, once, the commands the service sends per operation, one at a time (MONITOR; after the
#      timed runs, as MONITOR slows Redis down) (bench/roundtrips.py).
# Backends: memory; redis (a redis-server of its own on a free loopback port, no RDB snapshots,
# no append-only file); redis-aof (the same with appendonly yes, appendfsync everysec).
# ROUNDS=2 runs the list twice, alternating; BACKENDS="memory redis" picks from it; WARMUP (60s)
# is the length of the warm-up cycle run (after 15 s the JIT compilers still used a third of
# the service's CPU). Needs wrk, python3 and redis-server (apt). Method and
# numbers: docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && [ROUNDS=2] bench/backends.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20s}
rounds=${ROUNDS:-1}
warmup=${WARMUP:-60s}
backends=${BACKENDS:-memory redis redis-aof}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-backends.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
redis_pid=
trap 'stop_service; stop_redis' EXIT
trap 'exit 130' INT TERM

echo "== $(nproc) cores shared by the service, redis-server and the load; results in $out"
for round in $(seq 1 "$rounds"); do
  for backend in $backends; do
    run="$out/$round-$backend"
    case "$backend" in
      memory) ;;
      redis) start_redis ;;
      redis-aof) start_redis --appendonly yes --appendfsync everysec ;;
      *) echo "unknown backend $backend (memory, redis, redis-aof)" >&2; exit 2 ;;
    esac
    start_service "$out/dispatch.jar" "$run.service.log" "${backend%%-*}"
    echo "== round $round, $backend: service pid $service_pid${redis_pid:+, redis-server pid $redis_pid}"
    curl -fs -X PUT "$url/v1/queues/bench" -H 'Content-Type: application/json' -d '{"capacity": 10000}' > /dev/null
    wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
    python3 bench/handoff.py --port "$service_port" --samples 400 > /dev/null
    if [ -n "${redis_pid:-}" ]; then
      python3 bench/roundtrips.py stats --redis-port "$redis_port" > "$run.before"
      redis_ticks=$(cpu_ticks "$redis_pid")
    fi
    service_ticks=$(cpu_ticks "$service_pid")
    wrk -t 8 -c 8 -d "$duration" --latency -s bench/cycle.lua "$url" > "$run.wrk"
    echo "service $(($(cpu_ticks "$service_pid") - service_ticks))" > "$run.cpu"
    if [ -n "${redis_pid:-}" ]; then
      echo "redis $(($(cpu_ticks "$redis_pid") - redis_ticks))" >> "$run.cpu"
      python3 bench/roundtrips.py stats --redis-port "$redis_port" > "$run.after"
    fi
    python3 bench/handoff.py --port "$service_port" --samples 2000 > "$run.handoff"
    if [ -n "${redis_pid:-}" ]; then
      python3 bench/roundtrips.py cycles --before "$run.before" --after "$run.after" --wrk "$run.wrk" \
        --jar "$out/dispatch.jar" > "$run.commands"
      if [ "$round" = 1 ]; then
        python3 bench/roundtrips.py ops --port "$service_port" --redis-port "$redis_port" \
          --jar "$out/dispatch.jar" > "$run.ops" 2>&1 || true
      fi
    fi
    stop_service
    stop_redis
  done
done
python3 bench/summary.py --ticks-per-second "$(getconf CLK_TCK)" "$out"
