#!/bin/sh
# What the API-key check costs (not part of `./mvnw verify`): the same jar, heap and warm-up, run
# open (no credentials configured) and with API keys (a key of 5 configured ones, checked against
# each in constant time), alternating, ROUNDS times; for each, put -> take -> ack cycles/s over 8
# keep-alive connections (wrk + bench/cycle.lua) and the service's CPU per cycle, also without its JIT
# compiler threads (/proc/PID/stat). Memory backend. Every mode sends the same Authorization: Bearer header (an
# open service ignores it), so that the load generator's own work, which shares the cores, is the
# same. BASELINE_JAR=path adds a third mode, "before": that jar (say, one built before Spring
# Security came in), run open. Needs wrk and python3. Method and numbers: docs/benchmarks.md,
# "What security costs".
#
#   ./mvnw -q -DskipTests package && [ROUNDS=3] [BASELINE_JAR=...] bench/security.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
duration=${1:-20s}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-60s}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-security.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
modes="open keys"
if [ -n "${BASELINE_JAR:-}" ]; then
  cp "$BASELINE_JAR" "$out/before.jar"
  modes="before open keys"
fi
java="$(./mvnw --java-home)/bin/java"
trap 'stop_service' EXIT
trap 'exit 130' INT TERM

# five keys, as a team rotating some would have; the bench sends the last
key_args() {
  for n in 0 1 2 3 4; do
    sha=$(printf %s "bench-key-$n-0123456789abcdefghij" | sha256sum | cut -d' ' -f1)
    printf -- '--dispatch.security.api-keys[%s].name=bench%s --dispatch.security.api-keys[%s].key-sha256=%s --dispatch.security.api-keys[%s].roles=producer,consumer,admin ' \
      "$n" "$n" "$n" "$sha" "$n"
  done
}

echo "== $(nproc) cores shared by the service and the load; results in $out"
printf '%-6s %-6s %9s %8s %8s %12s %12s\n' round mode cycles/s p50 p99 'CPU µs/cycle' 'without JIT'
for round in $(seq 1 "$rounds"); do
  for mode in $modes; do
    run="$out/$round-$mode"
    if [ "$mode" = keys ]; then
      set -f # the brackets in the keys' property names are no glob
      # shellcheck disable=SC2046
      start_service "$out/dispatch.jar" "$run.service.log" memory $(key_args)
      set +f
      token="bench-key-4-0123456789abcdefghij"
    elif [ "$mode" = before ]; then
      start_service "$out/before.jar" "$run.service.log" memory
      token="bench-key-4-0123456789abcdefghij"
    else
      start_service "$out/dispatch.jar" "$run.service.log" memory
      # sent all the same (and ignored): the load generator does the same work in every mode
      token="bench-key-4-0123456789abcdefghij"
    fi
    curl -fs -X PUT "$url/v1/queues/bench" -H 'Content-Type: application/json' \
      -H "Authorization: Bearer ${token:-none}" -d '{"capacity": 10000}' > /dev/null
    BENCH_TOKEN=$token wrk -t 8 -c 8 -d "$warmup" -s bench/cycle.lua "$url" > /dev/null
    ticks=$(cpu_ticks "$service_pid") jit=$(jit_ticks "$service_pid")
    BENCH_TOKEN=$token wrk -t 8 -c 8 -d "$duration" --latency -s bench/cycle.lua "$url" > "$run.wrk"
    ticks=$(($(cpu_ticks "$service_pid") - ticks)) jit=$(($(jit_ticks "$service_pid") - jit))
    python3 - "$run.wrk" "$ticks" "$(getconf CLK_TCK)" "$round" "$mode" "$jit" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ticks, hz, rnd, mode, jit = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
cycles = int(re.search(r"cycles: (\d+)", text).group(1))
rate = float(re.search(r"cycles: \d+ \(([\d.]+)/s\)", text).group(1))
bad = int(re.search(r"unexpected answers: (\d+)", text).group(1))
lat = {p: re.search(rf"^\s+{p}%\s+(\S+)", text, re.M).group(1) for p in (50, 99)}
print(f"{rnd:<6} {mode:<6} {rate:9.0f} {lat[50]:>8} {lat[99]:>8} {ticks * 1e6 / hz / cycles:12.0f}"
      + f" {(ticks - jit) * 1e6 / hz / cycles:12.0f}"
      + (f"  ({bad} unexpected answers)" if bad else ""))
PY
    stop_service
  done
done
