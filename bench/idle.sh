#!/bin/sh
# Latency at rest (issue #26; not part of `./mvnw verify`): an idle service, one request at a
# time, one every 20 ms, over raw sockets, 200 samples after 50 warm-up (bench/idle.py), p50, p90,
# p99 and max for each row:
#   floor             a bare JDK HttpServer (bench/Floor.java), a GET: the floor of the machine
#   get               Dispatch (memory backend), GET /v1/queues
#   memory            hand-off on the memory backend: a take parked, a put every 20 ms, from
#                     the put's send to the take's answer
#   redis             the same on the Redis backend, put and take on one instance
#   redis, 2 replicas the same with the take parked on instance A and the put sent to B, two
#                     services on one redis-server (the job and the wake-up cross over Redis)
# Before its rows each server is warmed up for WARMUP (20s) with wrk (a GET of the same path for
# the GET rows, bench/cycle.lua's put -> take -> ack for the hand-offs; both replicas in turn),
# then left alone for REST (2) seconds. The redis-server runs as in bench/bullmq.sh: AOF, fsync
# every second. ROUNDS (1) repeats the rows; SAMPLES (200). The same jar (copied first) and the
# same 512 MiB heap as the other harnesses. Needs wrk, python3, curl and redis-server. Method and
# numbers: docs/benchmarks.md ("Latency at rest").
#
#   ./mvnw -q -DskipTests package && [ROUNDS=1] [WARMUP=20s] bench/idle.sh
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
rounds=${ROUNDS:-1}
warmup=${WARMUP:-20s}
rest=${REST:-2}
samples=${SAMPLES:-200}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-idle.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
redis_pid=
floor_pid=
a_pid=
b_pid=
stop_all() {
  for pid in "$floor_pid" "$a_pid" "$b_pid"; do stop_pid "$pid"; done
  floor_pid= a_pid= b_pid=
  stop_redis
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# probe LABEL ARGS...: bench/idle.py with ARGS, after REST seconds of rest; its line in $out/rows.
probe() {
  label=$1
  shift
  sleep "$rest"
  python3 bench/idle.py "$@" --samples "$samples" --label "$label" | tee -a "$out/rows"
}

start_floor() {
  floor_port=$(free_port)
  "$java" -Xmx512m -Dsun.net.httpserver.nodelay=true bench/Floor.java "$floor_port" > "$out/floor.log" 2>&1 &
  floor_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$floor_port/" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the floor did not start; its log:" >&2
  cat "$out/floor.log" >&2
  return 1
}

echo "== $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg); results in $out"
for round in $(seq 1 "$rounds"); do
  start_floor
  wrk -t 2 -c 2 -d "$warmup" "http://127.0.0.1:$floor_port/" > /dev/null
  probe "$round, floor: JDK HttpServer, GET" get --port "$floor_port" --path /
  stop_all

  start_service "$out/dispatch.jar" "$out/$round-memory.log" memory
  a_pid=$service_pid
  wrk -t 2 -c 2 -d "$warmup" "$url/v1/queues" > /dev/null
  probe "$round, Dispatch, GET /v1/queues" get --port "$service_port" --path /v1/queues
  wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
  probe "$round, hand-off, memory" handoff --port "$service_port"
  stop_all

  start_redis --appendonly yes --appendfsync everysec
  start_service "$out/dispatch.jar" "$out/$round-a.log" redis
  a_pid=$service_pid a_port=$service_port
  wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
  start_service "$out/dispatch.jar" "$out/$round-b.log" redis
  b_pid=$service_pid b_port=$service_port
  wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
  probe "$round, hand-off, Redis, one instance" handoff --port "$a_port"
  probe "$round, hand-off, Redis, take on A, put on B" handoff --port "$a_port" --put-port "$b_port"
  stop_all
done

echo "== load average at the end $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "| round, row | p50 | p90 | p99 | max |"
echo "|---|---|---|---|---|"
sed -n 's/^\(.*\): p50 \([^,]*\), p90 \([^,]*\), p99 \([^,]*\), max \([^ ]* ms\) .*/| \1 | \2 | \3 | \4 | \5 |/p' "$out/rows"
