#!/bin/sh
# What each hot endpoint costs beside the no-op request of the same stack (issue #14's targets: a
# put or an ack at most 1.3x the no-op, a take at most 1.5x), in one run (not part of
# `./mvnw verify`). The packaged service (memory backend, bench profile, 512 MiB heap) serves,
# ROUNDS times, four wrk workloads of DURATION each over 8 keep-alive connections, and the
# service's CPU time per request is read from /proc (also without its JIT compiler threads):
#   noop      POST /bench/noop (bench/noop.lua)
#   put       puts only (bench/cycle.lua, BENCH_ROLE=produce) into a queue that has room: it grows
#             by every put, and the garbage collector copies the jobs that stay
#   steadyput puts on 7 connections while an 8th drains the queue (BENCH_ROLE=drain: takes of up
#             to 100 jobs with ack=auto), so that the queue stays short as in a steady service;
#             its CPU per put counts the drain's requests too
#   autotake  takes with ack=auto (BENCH_ROLE=autotake): one request that leases and settles a job
#   consume   take, then ack (BENCH_ROLE=consume): two requests per job
# The take is read off autotake (its ack happens inside, without a request of its own: about a
# microsecond of queue work, by the JMH numbers in docs/benchmarks.md); the ack as consume's two
# requests less one autotake. The puts fill the queue the takes drain (an unmeasured run of puts
# refills it before consume); a request that moved no job (a take of an empty queue, a refused
# put) is reported. Needs wrk and python3. Method and numbers: docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && [ROUNDS=2] [WARMUP=40s] bench/endpoints.sh [duration, default 15s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-15s}
rounds=${ROUNDS:-2}
warmup=${WARMUP:-40s}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-endpoints.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
trap 'stop_service' EXIT
trap 'exit 130' INT TERM

# load WORKLOAD DURATION: wrk with that workload against the service.
load() {
  case "$1" in
    noop) set -- "$2" -s bench/noop.lua ;;
    put) set -- "$2" -s bench/cycle.lua; export BENCH_ROLE=produce ;;
    autotake) set -- "$2" -s bench/cycle.lua; export BENCH_ROLE=autotake ;;
    consume) set -- "$2" -s bench/cycle.lua; export BENCH_ROLE=consume ;;
  esac
  length=$1
  shift
  BENCH_QUEUE=${queue:-endpoints} wrk -t "${connections:-8}" -c "${connections:-8}" -d "$length" --latency "$@" "$url"
  unset BENCH_ROLE
}
# steadyput DURATION DRAIN_OUTPUT: puts on 7 connections, beside a drain on an 8th, on a queue
# of their own.
steadyput() {
  BENCH_ROLE=drain BENCH_QUEUE=steady wrk -t 1 -c 1 -d "$1" -s bench/cycle.lua "$url" > "$2" &
  drain=$!
  connections=7 queue=steady load put "$1"
  wait "$drain"
}

start_service "$out/dispatch.jar" "$out/dispatch.log" memory
curl -fs -X PUT "$url/v1/queues/endpoints" -H 'Content-Type: application/json' \
  -d '{"capacity": 2000000000, "leaseTimeout": "10m"}' > /dev/null
curl -fs -X PUT "$url/v1/queues/steady" -H 'Content-Type: application/json' -d '{"capacity": 100000}' > /dev/null
echo "== $(nproc) cores shared by the service (pid $service_pid) and the load; results in $out"
echo "== warm-up: $warmup of each workload"
for workload in put noop autotake put consume; do load "$workload" "$warmup" > /dev/null; done
steadyput "$warmup" /dev/null > /dev/null

for round in $(seq 1 "$rounds"); do
  for workload in put steadyput noop autotake refill consume; do
    if [ "$workload" = refill ]; then
      load put "$duration" > /dev/null
      continue
    fi
    run="$out/$round-$workload"
    ticks=$(cpu_ticks "$service_pid") jit=$(jit_ticks "$service_pid")
    if [ "$workload" = steadyput ]; then
      steadyput "$duration" "$run.drain" > "$run.wrk"
    else
      load "$workload" "$duration" > "$run.wrk"
    fi
    echo "$(($(cpu_ticks "$service_pid") - ticks)) $(($(jit_ticks "$service_pid") - jit))" > "$run.cpu"
    echo "== round $round, $workload: $(grep Requests/sec "$run.wrk")"
  done
done
python3 - "$out" "$(getconf CLK_TCK)" <<'PY'
import pathlib, re, sys
out, hz = pathlib.Path(sys.argv[1]), int(sys.argv[2])
rows = {}
for wrk in sorted(out.glob("*.wrk")):
    round_, workload = wrk.stem.split("-")
    text = wrk.read_text()
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    odd = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    cycles = int(re.search(r"cycles: (\d+)", text).group(1)) if "cycles:" in text else requests
    if workload == "steadyput":
        # the drain's requests count in the CPU, not as puts
        drains = int(re.search(r"(\d+) requests in", (out / f"{wrk.stem}.drain").read_text()).group(1))
        print(f"round {round_}, steadyput: {requests} puts, {drains} drain requests")
    # requests that moved no job: takes of an empty queue (answered 204) and the like
    idle = requests - cycles * (2 if workload == "consume" else 1)
    ticks, jit = (int(n) for n in (out / f"{wrk.stem}.cpu").read_text().split())
    rows[(int(round_), workload)] = (ticks * 1e6 / hz / requests, (ticks - jit) * 1e6 / hz / requests,
                                     (int(odd.group(1)) if odd else 0) + idle)
print("service CPU per request, µs (without JIT); x: / the no-op of the same round")
for round_ in sorted({r for r, _ in rows}):
    noop = rows[(round_, "noop")][0]
    take = rows[(round_, "autotake")][0]
    ack = 2 * rows[(round_, "consume")][0] - take
    line = [f"round {round_}:"]
    for name in ("noop", "put", "steadyput", "autotake", "consume"):
        cpu, no_jit, odd = rows[(round_, name)]
        line.append(f"{name} {cpu:.0f} ({no_jit:.0f})" + (f" [{odd} requests moved no job]" if odd else ""))
    print("  ".join(line))
    print(f"         put {rows[(round_, 'put')][0] / noop:.2f}x (steady {rows[(round_, 'steadyput')][0] / noop:.2f}x)"
          f"  take {take / noop:.2f}x  "
          f"ack {ack:.0f} µs = {ack / noop:.2f}x")
PY
