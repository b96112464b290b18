#!/bin/sh
# Dispatch beside a peer, ElasticMQ (an SQS-compatible queue server on the JVM: Scala, Pekko
# HTTP), in one run (issue #14; not part of `./mvnw verify`). Both run side by side for the whole
# run, on the same JDK with the same 512 MiB heap, each on a free loopback port, and are warmed up
# the same way; then, ROUNDS times, the same load generator (wrk, 8 connections, one cycle per
# connection) runs each workload against one and then the other (the order flips every round):
#   single  Dispatch: put -> take -> ack (bench/cycle.lua); ElasticMQ: SendMessage ->
#           ReceiveMessage (MaxNumberOfMessages=1) -> DeleteMessage (bench/sqs.lua).
#   batch   Dispatch: batch put of 10 -> take max=10 -> batch settle, acking all (bench/batch.lua);
#           ElasticMQ: SendMessageBatch (10) -> ReceiveMessage (MaxNumberOfMessages=10) ->
#           DeleteMessageBatch (bench/sqs.lua, BENCH_BATCH=10). Skipped on Dispatch, with a
#           message, when its batch endpoints do not answer as expected (404/405: not there yet).
#   settle  Dispatch only: put -> settle-and-take, acking the job held and taking the next in one
#           request (bench/settle_take.lua), compared with ElasticMQ's single of the same round.
#           Skipped, with a message, when Dispatch does not answer settle-and-take (400/404: not
#           there yet).
#   noop    Dispatch's POST /bench/noop (bench/noop.lua), the ceiling: requests/s.
# Jobs/s and the ratio Dispatch/ElasticMQ per round, and each server's CPU per job from /proc (also
# without its JIT compiler threads): bench/peer_summary.py prints the table.
# ElasticMQ comes with its dependencies from Maven Central through ./mvnw and
# bench/elasticmq/pom.xml (version there); it speaks SQS's JSON protocol here by default
# (SQS_PROTOCOL=query: the form-encoded one with XML answers). LEASE (30, both servers' default):
# seconds a job taken stays Dispatch's lease and a message received stays invisible in ElasticMQ
# (which keeps each deleted message in memory until then). BACKEND (memory): Dispatch's backend;
# redis starts a redis-server of its own on loopback, whose CPU counts as Dispatch's. ROUNDS (3); WARMUP (60s): each
# server's warm-up per workload (after 30 s, C2 still compiled for Dispatch); the argument: the
# duration of each measured run. Needs wrk, python3, curl. Method and numbers:
# docs/benchmarks.md ("Dispatch beside ElasticMQ, a peer").
#
#   ./mvnw -q -DskipTests package && [ROUNDS=3] [WARMUP=60s] bench/peer.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20s}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-60s}
protocol=${SQS_PROTOCOL:-json}
lease=${LEASE:-30}
backend=${BACKEND:-memory}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-peer.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
if ! ./mvnw -q -f bench/elasticmq/pom.xml dependency:build-classpath \
  -Dmdep.outputFile="$out/elasticmq.classpath" > "$out/elasticmq-resolve.log" 2>&1; then
  echo "could not resolve ElasticMQ; the log:" >&2
  cat "$out/elasticmq-resolve.log" >&2
  exit 1
fi
elasticmq_pid=
trap 'stop_service; stop_elasticmq; stop_redis' EXIT
trap 'exit 130' INT TERM

# Starts ElasticMQ on a free loopback port, its SQS endpoint bound there only (it has no other),
# and waits until it answers. Sets elasticmq_port, elasticmq_pid and elasticmq_url.
start_elasticmq() {
  elasticmq_port=$(free_port)
  elasticmq_url="http://127.0.0.1:$elasticmq_port"
  cat > "$out/elasticmq.conf" <<EOF
include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = $elasticmq_port, context-path = "" }
rest-sqs { enabled = true, bind-port = $elasticmq_port, bind-hostname = "127.0.0.1", sqs-limits = strict }
generate-node-address = false
EOF
  "$java" -Xmx512m -Dconfig.file="$out/elasticmq.conf" -cp "$(cat "$out/elasticmq.classpath")" \
    org.elasticmq.server.Main > "$out/elasticmq.log" 2>&1 &
  elasticmq_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "$elasticmq_url" -d Action=ListQueues > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "ElasticMQ did not start; its log:" >&2
  tail -n 30 "$out/elasticmq.log" >&2
  return 1
}

stop_elasticmq() {
  if [ -n "${elasticmq_pid:-}" ]; then
    kill "$elasticmq_pid" 2> /dev/null || true
    wait "$elasticmq_pid" 2> /dev/null || true
    elasticmq_pid=
  fi
}

# create_sqs_queue NAME: creates an ElasticMQ queue whose messages stay invisible for $lease
# seconds once received, as Dispatch's queues below hold their leases; prints its URL.
create_sqs_queue() {
  curl -fs "$elasticmq_url" -d "Action=CreateQueue&QueueName=$1&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=$lease" |
    sed -n 's:.*<QueueUrl>\(.*\)</QueueUrl>.*:\1:p'
}

# Whether Dispatch's batch endpoints answer as bench/batch.lua expects: one job put, taken and
# settled on queue "batch". Prints why not when they do not.
dispatch_batches_work() {
  status=$(curl -s -o "$out/probe" -w '%{http_code}' -X POST "$url/v1/queues/batch/jobs/batch?wait=0" \
    -H 'Content-Type: application/json' -d '[{"payload": {"n": 0}}]')
  if [ "$status" != 201 ]; then
    echo "batch put answered $status"
    return 1
  fi
  curl -s -o "$out/probe" -X POST "$url/v1/queues/batch/leases?wait=1s&max=10"
  probe_lease=$(sed -n 's/.*"leaseId":"\([^"]*\)".*/\1/p' "$out/probe")
  if [ -z "$probe_lease" ]; then
    echo "take after a batch put found no lease: $(cat "$out/probe")"
    return 1
  fi
  status=$(curl -s -o "$out/probe" -w '%{http_code}' -X POST "$url/v1/queues/batch/leases/settle" \
    -H 'Content-Type: application/json' -d "[{\"lease\": \"$probe_lease\", \"action\": \"ack\"}]")
  if [ "$status" != 200 ] || ! grep -q '"outcome":"done"' "$out/probe"; then
    echo "batch settle answered $status: $(cat "$out/probe")"
    return 1
  fi
}

# load SERVER WORKLOAD DURATION [--latency]: runs wrk with that workload's script against SERVER.
load() {
  server=$1 workload=$2 length=$3
  shift 3
  case "$server-$workload" in
    dispatch-single) set -- "$@" -s bench/cycle.lua "$url" ;;
    dispatch-batch) set -- "$@" -s bench/batch.lua "$url" ;;
    dispatch-settle) set -- "$@" -s bench/settle_take.lua "$url" ;;
    dispatch-noop) set -- "$@" -s bench/noop.lua "$url" ;;
    elasticmq-single) set -- "$@" -s bench/sqs.lua "$elasticmq_url" ;;
    elasticmq-batch) set -- "$@" -s bench/sqs.lua "$elasticmq_url" ;;
  esac
  case "$workload" in
    single) sqs_queue=$single_queue_url batch=1 ;;
    *) sqs_queue=$batch_queue_url batch=10 ;;
  esac
  BENCH_QUEUE_URL=$sqs_queue BENCH_BATCH=$batch BENCH_PROTOCOL=$protocol \
    wrk -t 8 -c 8 -d "$length" "$@"
}

# CPU time the JVM's garbage collector threads (G1's) have used so far, in clock ticks.
gc_ticks() {
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2> /dev/null)" in
      GC\ Thread* | G1\ *) sed 's/.*) //' "$task/stat" 2> /dev/null | awk '{ print $12 + $13 }' ;;
    esac
  done | awk '{ total += $1 } END { print total + 0 }'
}

# store_ticks SERVER: CPU time Dispatch's redis-server has used so far (BACKEND=redis), in clock
# ticks; 0 for ElasticMQ, or on the memory backend.
store_ticks() {
  if [ "$1" = dispatch ] && [ -n "$redis_pid" ]; then cpu_ticks "$redis_pid"; else echo 0; fi
}

# measure ROUND SERVER WORKLOAD: one measured run, its wrk output and the CPU used meanwhile kept
# in $out: clock ticks of the server, of its JIT compiler threads, of the idle other server, of
# wrk, of the whole machine (the rest is others': this machine is shared), of the server's
# garbage collector threads, and of Dispatch's redis-server (BACKEND=redis).
measure() {
  run="$out/$1-$3-$2"
  if [ "$2" = dispatch ]; then pid=$service_pid other=$elasticmq_pid; else pid=$elasticmq_pid other=$service_pid; fi
  ticks=$(cpu_ticks "$pid") jit=$(jit_ticks "$pid") gc=$(gc_ticks "$pid") idle=$(cpu_ticks "$other")
  store=$(store_ticks "$2")
  times > "$run.times"
  machine=$(machine_ticks)
  load "$2" "$3" "$duration" --latency > "$run.wrk"
  machine=$(($(machine_ticks) - machine))
  client=$(children_ticks "$run.times")
  times > "$run.times"
  client=$(($(children_ticks "$run.times") - client))
  echo "$(($(cpu_ticks "$pid") - ticks)) $(($(jit_ticks "$pid") - jit)) $(($(cpu_ticks "$other") - idle))" \
    "$client $machine $(($(gc_ticks "$pid") - gc)) $(($(store_ticks "$2") - store))" > "$run.cpu"
  echo "== round $1, $3, $2: $(grep -E '^(cycles|jobs):' "$run.wrk" || grep Requests/sec "$run.wrk")"
}

start_elasticmq
single_queue_url=$(create_sqs_queue single)
batch_queue_url=$(create_sqs_queue batch)
redis_pid=
if [ "$backend" = redis ]; then start_redis; fi
start_service "$out/dispatch.jar" "$out/dispatch.log" "$backend"
for queue in bench batch settle; do
  curl -fs -X PUT "$url/v1/queues/$queue" -H 'Content-Type: application/json' \
    -d "{\"capacity\": 10000, \"leaseTimeout\": \"${lease}s\"}" > /dev/null
done
echo "== $(nproc) cores shared by Dispatch (pid $service_pid, $backend backend${redis_pid:+, redis-server pid $redis_pid}), ElasticMQ $(sed -n 's/.*Starting ElasticMQ server (\(.*\)).*/\1/p' "$out/elasticmq.log") (pid $elasticmq_pid, SQS $protocol protocol) and the load; results in $out"
dispatch_workloads="single batch settle"
if ! why=$(dispatch_batches_work); then
  echo "== Dispatch's batch endpoints are not there or not as bench/batch.lua expects ($why): the batch workload runs on ElasticMQ only"
  dispatch_workloads=$(echo "$dispatch_workloads" | sed 's/ batch//')
fi
if ! why=$(settle_and_take_works "$url" settle); then
  echo "== Dispatch does not answer settle-and-take as bench/settle_take.lua expects ($why): the settle workload is skipped"
  dispatch_workloads=$(echo "$dispatch_workloads" | sed 's/ settle//')
fi

echo "== warm-up: $warmup per server and workload"
for workload in $dispatch_workloads; do load dispatch "$workload" "$warmup" > /dev/null; done
load dispatch noop 10s > /dev/null
for workload in single batch; do load elasticmq "$workload" "$warmup" > /dev/null; done

for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="dispatch elasticmq"; else order="elasticmq dispatch"; fi
  for workload in single batch settle; do
    for server in $order; do
      if [ "$server" = dispatch ]; then
        case " $dispatch_workloads " in *" $workload "*) ;; *) continue ;; esac
      elif [ "$workload" = settle ]; then
        continue
      fi
      measure "$round" "$server" "$workload"
    done
  done
  measure "$round" dispatch noop
done
python3 bench/peer_summary.py --ticks-per-second "$(getconf CLK_TCK)" "$out"
