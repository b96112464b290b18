#!/bin/sh
# Dispatch on Redis beside BullMQ on the same redis-server (issue #26; not part of `./mvnw
# verify`). One redis-server (free loopback port, appendonly yes, appendfsync everysec) serves
# both: the packaged service on the Redis backend, started once and warmed up, and BullMQ
# (bench/bullmq/cycle.mjs, the version pinned in bench/bullmq/package.json), a Node process per
# run. Then, ROUNDS times, these runs, the order reversed every other round:
#   bullmq single    8 producers queue.add, each waiting for its job's completion before the
#                    next; one Worker, concurrency 8, completing each job at once
#   dispatch single  put -> take -> ack over 8 connections (wrk + bench/cycle.lua)
#   bullmq bulk      the same with queue.addBulk of 10
#   dispatch batch   batch put of 10 -> take max=10 -> batch settle (wrk + bench/batch.lua)
#   dispatch settle  put -> settle-and-take (bench/settle_take.lua), when the service answers
#                    settle-and-take (skipped with a message when it does not, as before main has it)
# Before each run: FLUSHALL, an AOF rewrite (each run starts from the same small AOF), Dispatch's
# queues defined again, RUN_WARMUP (5 s) of the same load. Each measured run records jobs/s, the
# CPU redis-server used (/proc; with its AOF rewrite children), INFO commandstats before and
# after (commands run inside scripts included), the CPU of Dispatch's service or of BullMQ's Node
# process, and the CPU of the whole machine (the rest is other work: the machine is shared).
# bench/bullmq_summary.py prints the table. WARMUP (60s): the service's warm-up per workload, once,
# at the start; CONNECTIONS (8): connections of wrk, producers and worker concurrency of BullMQ;
# BULLMQ_WINDOW (1): cycles a BullMQ producer keeps open (more: a backlog the worker fetches from).
# Needs redis-server, wrk, python3, curl, node and npm (bench/bullmq/node_modules is installed
# on first use). Method and numbers: docs/benchmarks.md ("Dispatch beside BullMQ on one Redis").
#
#   ./mvnw -q -DskipTests package && [ROUNDS=2] [WARMUP=60s] bench/bullmq.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20s}
seconds=${duration%s}
rounds=${ROUNDS:-2}
warmup=${WARMUP:-60s}
run_warmup=${RUN_WARMUP:-5}
connections=${CONNECTIONS:-8}
window=${BULLMQ_WINDOW:-1}
case "$seconds$run_warmup$connections$window" in
  *[!0-9]*) echo "the duration and RUN_WARMUP are whole seconds (20 or 20s), CONNECTIONS and BULLMQ_WINDOW counts" >&2; exit 2 ;;
esac
if [ ! -d bench/bullmq/node_modules/bullmq ]; then
  (cd bench/bullmq && npm install --no-package-lock --no-audit --no-fund) > /dev/null
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-bullmq.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
redis_pid=
node_pid=
trap 'stop_pid "$node_pid"; stop_service; stop_redis' EXIT
trap 'exit 130' INT TERM

# CPU time redis-server has used so far, in clock ticks, with that of its children it has waited
# for: the AOF rewrites it forks are part of what its writes cost.
redis_ticks() {
  awk '{ print $14 + $15 + $16 + $17 }' "/proc/$redis_pid/stat"
}

# redis_field NAME: a field of INFO.
redis_field() {
  redis-cli -p "$redis_port" INFO | sed -n "s/^$1:\([^\r]*\).*/\1/p"
}

# Rewrites the AOF and waits until it is done, so that each run starts from a small one.
compact_aof() {
  while [ "$(redis_field aof_rewrite_in_progress)" != 0 ] || [ "$(redis_field aof_rewrite_scheduled)" != 0 ]; do
    sleep 0.1
  done
  redis-cli -p "$redis_port" BGREWRITEAOF > /dev/null
  sleep 0.1
  while [ "$(redis_field aof_rewrite_in_progress)" != 0 ] || [ "$(redis_field aof_rewrite_scheduled)" != 0 ]; do
    sleep 0.1
  done
}

# Defines Dispatch's queues (again, after a FLUSHALL). The service still knows the queues FLUSHALL
# threw away, and answers the first PUT of each 404 (as it does when another replica deleted the
# queue), then forgets it: the second PUT creates it.
define_queues() {
  for queue in bench batch settle; do
    for _ in 1 2; do
      status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$url/v1/queues/$queue" \
        -H 'Content-Type: application/json' -d '{"capacity": 10000, "leaseTimeout": "30s"}')
      [ "$status" = 404 ] || break
    done
    case "$status" in
      200 | 201) ;;
      *) echo "PUT /v1/queues/$queue answered $status" >&2; exit 1 ;;
    esac
  done
}

# dispatch_load WORKLOAD DURATION [wrk options...]: wrk with that workload's script.
dispatch_load() {
  workload=$1 length=$2
  shift 2
  case "$workload" in
    single) script=bench/cycle.lua ;;
    batch) script=bench/batch.lua ;;
    settle) script=bench/settle_take.lua ;;
  esac
  wrk -t "$connections" -c "$connections" -d "$length" "$@" -s "$script" "$url"
}

# snapshot FILE CLIENT_PID: INFO commandstats in FILE.stats; in FILE.cpu the clock ticks so far of
# redis-server, the service, the client (BullMQ's Node process, CLIENT_PID; or, without one, this
# shell's finished children: wrk) and the whole machine, and the time in nanoseconds; in FILE.aof
# the AOF rewrites Redis has made (one it starts itself during a run is part of that run's CPU).
snapshot() {
  python3 bench/roundtrips.py stats --redis-port "$redis_port" > "$1.stats"
  if [ -n "$2" ]; then
    client=$(cpu_ticks "$2")
  else
    times > "$1.times"
    client=$(children_ticks "$1.times")
  fi
  echo "$(redis_ticks) $(cpu_ticks "$service_pid") $client $(machine_ticks) $(date +%s%N)" > "$1.cpu"
  redis_field aof_rewrites > "$1.aof"
}

# await_line FILE PATTERN: waits until a line of FILE matches PATTERN while BullMQ's Node runs.
await_line() {
  until grep -q "$2" "$1"; do
    if ! kill -0 "$node_pid" 2> /dev/null; then
      echo "BullMQ's Node process ended early:" >&2
      cat "$1" "$1.err" >&2
      exit 1
    fi
    sleep 0.05
  done
}

# measure ROUND SYSTEM WORKLOAD: one run, its files in $out as ROUND-SYSTEM-WORKLOAD.*
measure() {
  run="$out/$1-$2-$3"
  redis-cli -p "$redis_port" FLUSHALL > /dev/null
  compact_aof
  if [ "$2" = dispatch ]; then
    define_queues
    dispatch_load "$3" "${run_warmup}s" > /dev/null
    snapshot "$run.before" ""
    dispatch_load "$3" "${seconds}s" --latency > "$run.result"
    snapshot "$run.after" ""
  else
    case "$3" in single) bulk=1 ;; *) bulk=10 ;; esac
    : > "$run.result"
    node bench/bullmq/cycle.mjs --port "$redis_port" --producers "$connections" --bulk "$bulk" \
      --window "$window" --warmup "$run_warmup" --duration "$seconds" > "$run.result" 2> "$run.result.err" &
    node_pid=$!
    await_line "$run.result" '^ready'
    snapshot "$run.before" "$node_pid"
    kill -USR2 "$node_pid"
    await_line "$run.result" '^jobs:'
    snapshot "$run.after" "$node_pid"
    kill -USR2 "$node_pid"
    wait "$node_pid" || echo "BullMQ's Node process failed: $(cat "$run.result.err")" >&2
    node_pid=
  fi
  echo "== round $1, $2 $3: $(grep -E '^(cycles|jobs):' "$run.result")"
}

start_redis --appendonly yes --appendfsync everysec
start_service "$out/dispatch.jar" "$out/dispatch.log" redis
define_queues
echo "== $(nproc) cores shared by redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') (pid $redis_pid, AOF, fsync every second), Dispatch (pid $service_pid), BullMQ $(sed -n 's/.*"version": "\(.*\)".*/\1/p' bench/bullmq/node_modules/bullmq/package.json) (node $(node --version)) and the load; load average $(cut -d ' ' -f 1-3 /proc/loadavg); results in $out"
dispatch_workloads="single batch settle"
if ! why=$(settle_and_take_works "$url" settle); then
  echo "== Dispatch does not answer settle-and-take as bench/settle_take.lua expects ($why): its run is skipped"
  dispatch_workloads="single batch"
fi
echo "== warm-up: $warmup of each Dispatch workload"
for workload in $dispatch_workloads; do dispatch_load "$workload" "$warmup" > /dev/null; done

runs="bullmq:single dispatch:single bullmq:bulk dispatch:batch"
case "$dispatch_workloads" in *settle*) runs="$runs dispatch:settle" ;; esac
reversed=$(echo "$runs" | tr ' ' '\n' | tac | tr '\n' ' ')
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order=$runs; else order=$reversed; fi
  for run in $order; do
    measure "$round" "${run%%:*}" "${run#*:}"
  done
done
echo "== load average at the end $(cut -d ' ' -f 1-3 /proc/loadavg)"
python3 bench/bullmq_summary.py --ticks-per-second "$(getconf CLK_TCK)" "$out"
