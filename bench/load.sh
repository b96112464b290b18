#!/bin/sh
# The HTTP load harness (not part of `./mvnw verify`): starts the packaged service with a 512 MiB
# heap on a free loopback port and measures, in order,
#   1. the no-op endpoint's requests/s (the ceiling: same server and Spring MVC, no queue),
#   2. put -> take -> ack cycles/s over keep-alive connections (wrk + bench/cycle.lua),
#   3. hand-off latency, put to a parked taker's answer (bench/handoff.py, which counts
#      takes answered 204 before their wait ended),
#   4. heap, resident memory and threads per parked long-poll at 1k/5k/10k/15k (bench/parked.py).
# BACKEND=redis runs the service on the Redis backend, on a redis-server of its own (free loopback
# port, no RDB snapshots, no append-only file; REDIS_APPENDFSYNC=everysec or always turns the
# append-only file on). Needs wrk, python3 and jcmd (apt: wrk, python3, redis-server; jcmd comes
# with the JDK). bench/backends.sh compares the backends in one run. Method and numbers:
# docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && [BACKEND=redis] bench/load.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20s}
backend=${BACKEND:-memory}
jar=$(ls target/dispatch-*.jar | grep -v original | head -n 1)
java_home=$(./mvnw --java-home)
PATH="$java_home/bin:$PATH" # jcmd of the same JDK as the service
java="$java_home/bin/java"
ulimit -n 20000
trap 'stop_service; stop_redis' EXIT
trap 'exit 130' INT TERM
case "$backend" in
  memory) ;;
  redis)
    if [ -n "${REDIS_APPENDFSYNC:-}" ]; then
      start_redis --appendonly yes --appendfsync "$REDIS_APPENDFSYNC"
    else
      start_redis
    fi
    echo "== redis-server pid $redis_pid on port $redis_port (appendonly $(redis-cli -p "$redis_port" CONFIG GET appendonly | tail -n 1))"
    ;;
  *) echo "BACKEND must be memory or redis, got $backend" >&2; exit 2 ;;
esac
start_service "$jar" target/load-service.log "$backend" \
  --dispatch.http.max-waiters-per-queue=16000 --dispatch.http.max-waiters=16000
echo "== service pid $service_pid on port $service_port, $backend backend; $(nproc) cores shared by the service and the load"
curl -fs -X PUT "$url/v1/queues/bench" -H 'Content-Type: application/json' -d '{"capacity": 10000}' > /dev/null
echo "== warm-up (JIT), not measured"
wrk -t 2 -c 32 -d 15s -s bench/noop.lua "$url" > /dev/null
wrk -t 8 -c 8 -d 15s -s bench/cycle.lua "$url" > /dev/null
echo "== 1. no-op endpoint (ceiling)"
wrk -t 2 -c 32 -d "$duration" --latency -s bench/noop.lua "$url"
echo "== 2. put -> take -> ack cycles, 8 connections"
wrk -t 8 -c 8 -d "$duration" --latency -s bench/cycle.lua "$url"
echo "== 3. hand-off latency"
python3 bench/handoff.py --port "$service_port" --samples 2000
echo "== 4. parked long-polls"
python3 bench/parked.py --port "$service_port" --pid "$service_pid" 1000 5000 10000 15000
