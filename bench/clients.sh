#!/bin/sh
# The Java SDK beside the raw-socket harness (wrk, bench/cycle.lua) on the same service, in one run
# (not part of `./mvnw verify`): starts the packaged service (memory backend, 512 MiB heap, bench
# profile) on a free loopback port, then per round, one job a put and then in batches of 10,
#   1. wrk -t8 -c8 with bench/cycle.lua (put -> take -> ack), then bench/batch.lua (a batch put of
#      10 -> a take of 10 -> one settle), on 8 keep-alive connections: jobs/s;
#   2. the SDK (clients/java, ClientBenchmark): 8 producer virtual threads putting one job (then
#      10) a request, and one consumer loop with 8 slots taking and acking: jobs acked per
#      second, and the SDK process's own CPU time per job; once with the loop's defaults, once
#      with prefetch PREFETCH (default 32: takes of up to 40 jobs);
# each after a warm-up of its own, and the service's CPU time per job for both. Method and
# numbers: docs/benchmarks.md. Needs wrk, python3 and curl.
#
#   ./mvnw -q -DskipTests package && (cd clients/java && mvn -q -DskipTests install) && bench/clients.sh [seconds, default 20]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20}
warmup=${WARMUP:-15}
rounds=${ROUNDS:-2}
prefetch=${PREFETCH:-32}
jar=$(ls target/dispatch-*.jar | grep -v original | head -n 1)
java_home=$(./mvnw --java-home)
java="$java_home/bin/java"
trap 'stop_service' EXIT
trap 'exit 130' INT TERM

classpath_file=$(mktemp)
(cd clients/java && JAVA_HOME="$java_home" mvn -q -B -ntp -pl dispatch-client dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" > /dev/null)
classpath="clients/java/dispatch-client/target/test-classes:clients/java/dispatch-client/target/classes:$(cat "$classpath_file")"
rm -f "$classpath_file"

start_service "$jar" target/clients-bench-service.log memory
echo "== service pid $service_pid on port $service_port; $(nproc) cores shared by the service and the clients"

# service_cpu_per_job TICKS_BEFORE JOBS: the service's CPU time per job since TICKS_BEFORE, in µs
service_cpu_per_job() {
  ticks=$(( $(cpu_ticks "$service_pid") - $1 ))
  python3 -c "import os,sys; t=$ticks/os.sysconf('SC_CLK_TCK'); print(round(t*1e6/max(1,$2)))"
}

# wrk_round SCRIPT QUEUE: warm-up, then a measured wrk run of SCRIPT on QUEUE; prints its jobs/s and
# the service's CPU per job
wrk_round() {
  BENCH_QUEUE=$2 wrk -t 8 -c 8 -d "${warmup}s" -s "$1" "$url" > /dev/null
  before=$(cpu_ticks "$service_pid")
  out=$(BENCH_QUEUE=$2 wrk -t 8 -c 8 -d "${duration}s" -s "$1" "$url")
  jobs=$(echo "$out" | sed -n 's/^\(cycles\|jobs\): \([0-9]*\) .*/\2/p')
  echo "wrk $(basename "$1"): $(echo "$out" | grep -E '^(cycles|jobs):') service cpu-us/job=$(service_cpu_per_job "$before" "$jobs")"
}

# sdk_round QUEUE BATCH [PREFETCH]: ClientBenchmark with 8 producers putting BATCH jobs a request
# and 8 slots (and PREFETCH jobs taken ahead of them, default none)
sdk_round() {
  before=$(cpu_ticks "$service_pid")
  sdk=$("$java" -cp "$classpath" dev.dispatch.client.bench.ClientBenchmark "$url" "$1" "$warmup" "$duration" 8 8 "$2" "${3:-0}")
  rate=$(echo "$sdk" | sed -n 's/.*jobs\/s=\([0-9]*\).*/\1/p')
  # warm-up and run both counted, at the measured rate: an estimate
  echo "$sdk; service cpu-us/job~$(service_cpu_per_job "$before" $(( rate * (duration + warmup) )))"
}

for round in $(seq 1 "$rounds"); do
  echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== round $round, one job a put"
  wrk_round bench/cycle.lua "cycle-$round"
  sdk_round "sdk-$round" 1
  sdk_round "sdk-prefetch-$round" 1 "$prefetch"
  echo "== round $round, batches of 10"
  curl -fs -X PUT "$url/v1/queues/batch-$round" -H 'Content-Type: application/json' -d '{"capacity": 10000}' > /dev/null
  wrk_round bench/batch.lua "batch-$round"
  sdk_round "sdk-batch-$round" 10
  sdk_round "sdk-batch-prefetch-$round" 10 "$prefetch"
done
