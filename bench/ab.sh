#!/bin/sh
# Two builds of the service side by side, in one run (not part of `./mvnw verify`): the jar A
# (say, main before a change) and the jar B (after it), each copied first, on each backend of
# BACKENDS (memory redis), ROUNDS times (3), the order of A and B flipping every round. Each
# run: a fresh service (and a fresh redis-server of its own, no persistence, for redis), the same
# 512 MiB heap, a WARMUP (30s) of put -> take -> ack cycles, then the measured run (wrk, 8
# connections, bench/cycle.lua) with the CPU time the service and redis-server used meanwhile
# (/proc). bench/ab_summary.py prints jobs/s and CPU per job of each, and B's over A's per
# round. Needs wrk, python3, redis-server.
#
#   bench/ab.sh A.jar B.jar [duration, default 20s]
#
# B_LANES=on runs B's load with every job in one of 16 fairness groups and priorities 4-6
# (bench/cycle.lua's BENCH_LANES): with the same jar as A and B, the cost of lanes.
# B_LIMITS=on gives B's queue a limit on leases in flight (1000), per second (1,000,000) and per
# group (8): limits that are checked on every take but never reached (8 connections; with
# B_LANES=on the per-group one has each group's count read once 8 leases are out), so that with
# the same jar as A and B (and B_LANES=on) the run gives the cost of keeping them.
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
[ $# -ge 2 ] || { echo "usage: bench/ab.sh A.jar B.jar [duration]" >&2; exit 2; }
duration=${3:-20s}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-30s}
backends=${BACKENDS:-memory redis}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-ab.XXXXXX")
cp "$1" "$out/A.jar"
cp "$2" "$out/B.jar"
java="$(./mvnw --java-home)/bin/java"
redis_pid=
trap 'stop_service; stop_redis' EXIT
trap 'exit 130' INT TERM

echo "== $(nproc) cores shared by the service, redis-server and the load; results in $out"
for round in $(seq 1 "$rounds"); do
  order="A B"
  [ $((round % 2)) -eq 0 ] && order="B A"
  for backend in $backends; do
    for build in $order; do
      run="$out/$round-$backend-$build"
      [ "$backend" = redis ] && start_redis
      start_service "$out/$build.jar" "$run.service.log" "$backend"
      echo "== round $round, $backend, $build"
      settings='{"capacity": 10000}'
      if [ "$build" = B ] && [ "${B_LIMITS:-off}" = on ]; then
        settings='{"capacity": 10000, "maxInFlight": 1000, "maxLeasesPerSecond": 1000000, "maxInFlightPerGroup": 8}'
      fi
      curl -fs -X PUT "$url/v1/queues/bench" -H 'Content-Type: application/json' -d "$settings" > /dev/null
      lanes=off
      [ "$build" = B ] && lanes=${B_LANES:-off}
      BENCH_LANES=$lanes wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
      service_ticks=$(cpu_ticks "$service_pid")
      redis_ticks=0
      [ -n "${redis_pid:-}" ] && redis_ticks=$(cpu_ticks "$redis_pid")
      BENCH_LANES=$lanes wrk -t 8 -c 8 -d "$duration" --latency -s bench/cycle.lua "$url" > "$run.wrk"
      echo "service $(($(cpu_ticks "$service_pid") - service_ticks))" > "$run.cpu"
      if [ -n "${redis_pid:-}" ]; then
        echo "redis $(($(cpu_ticks "$redis_pid") - redis_ticks))" >> "$run.cpu"
      fi
      stop_service
      stop_redis
    done
  done
done
python3 bench/ab_summary.py --ticks-per-second "$(getconf CLK_TCK)" "$out"
