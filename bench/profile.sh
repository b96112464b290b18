#!/bin/sh
# Where the service's CPU per job goes (not part of `./mvnw verify`): starts the jar on BACKEND
# (memory, or redis with a redis-server of its own), warms it up with WARMUP (20s) of put -> take
# -> ack cycles (wrk -t8 -c8, bench/cycle.lua), then records DURATION of the same load with JFR:
# its CPU-time sampler (jdk.CPUTimeSample, every 2 ms of a thread's CPU, user and system time
# alike, stacks 256 deep) on top of the `profile` settings (allocation samples, GC CPU, per-thread
# allocation totals). bench/profile_summary.py then prints the breakdown: per thread, per package
# (self time), the Redis path's parts, the hottest frames, GC and allocation per job.
#
#   bench/profile.sh JAR BACKEND [duration, default 20s] [service arguments...]
#
# SETTINGS: the queue's settings (JSON; default {"capacity": 10000}), and BENCH_LANES=on (passed
# to bench/cycle.lua) puts the jobs in fairness groups and priorities: with
# SETTINGS='{"capacity": 10000, "maxInFlight": 1000, "maxLeasesPerSecond": 1000000,
# "maxInFlightPerGroup": 8}' the load of bench/ab.sh's B_LANES=on B_LIMITS=on.
#
# The recording and the wrk output stay in the results directory it prints;
# `python3 bench/profile_summary.py --jfr JDK/bin/jfr DIR` prints the breakdown again.
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
[ $# -ge 2 ] || { echo "usage: bench/profile.sh JAR BACKEND [duration] [service arguments...]" >&2; exit 2; }
jar=$1 backend=$2 duration=${3:-20s}
shift 2
[ $# -gt 0 ] && shift
warmup=${WARMUP:-20s}
settings=${SETTINGS:-'{"capacity": 10000}'}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-profile.XXXXXX")
jdk="$(./mvnw --java-home)"
java="$jdk/bin/java"
redis_pid=
trap 'stop_service; stop_redis' EXIT
trap 'exit 130' INT TERM

[ "$backend" = redis ] && start_redis
JDK_JAVA_OPTIONS="-XX:FlightRecorderOptions:stackdepth=256" start_service "$jar" "$out/service.log" "$backend" "$@"
curl -fs -X PUT "$url/v1/queues/bench" -H 'Content-Type: application/json' -d "$settings" > /dev/null
wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
"$jdk/bin/jcmd" "$service_pid" JFR.start name=profile settings=profile jdk.CPUTimeSample#enabled=true \
  jdk.CPUTimeSample#throttle=2ms filename="$out/profile.jfr" > /dev/null
ticks=$(cpu_ticks "$service_pid")
wrk -t 8 -c 8 -d "$duration" --latency -s bench/cycle.lua "$url" > "$out/cycle.wrk"
echo "service $(($(cpu_ticks "$service_pid") - ticks))" > "$out/cpu"
"$jdk/bin/jcmd" "$service_pid" JFR.stop name=profile > /dev/null
echo "== $backend, results in $out"
python3 bench/profile_summary.py --jfr "$jdk/bin/jfr" --ticks-per-second "$(getconf CLK_TCK)" "$out"
