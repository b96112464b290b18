#!/bin/sh
# The HTTP load harness (not part of `./mvnw verify`): starts the packaged service with a 512 MiB
# heap on a free loopback port and measures, in order,
#   1. the no-op endpoint's requests/s (the ceiling: same server and Spring MVC, no queue),
#   2. put -> take -> ack cycles/s over keep-alive connections (wrk + bench/cycle.lua),
#   3. hand-off latency, put to a parked taker's answer (bench/handoff.py),
#   4. heap, resident memory and threads per parked long-poll at 1k/5k/10k/15k (bench/parked.py).
# Needs wrk, python3 and jcmd (apt: wrk, python3; jcmd comes with the JDK). Method and numbers:
# docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && bench/load.sh [duration, default 20s]
set -eu
cd "$(dirname "$0")/.."
duration=${1:-20s}
jar=$(ls target/dispatch-*.jar | grep -v original | head -n 1)
java_home=$(./mvnw --java-home)
PATH="$java_home/bin:$PATH" # jcmd of the same JDK as the service
java="$java_home/bin/java"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ulimit -n 20000
"$java" -Xmx512m -jar "$jar" --spring.profiles.active=bench --server.address=127.0.0.1 --server.port="$port" \
  --dispatch.http.max-waiters-per-queue=16000 --dispatch.http.max-waiters=16000 \
  --logging.level.root=warn > target/load-service.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/actuator/health/readiness" > /dev/null 2>&1 && break
  sleep 0.5
done
url="http://127.0.0.1:$port"
echo "== service pid $pid on port $port; $(nproc) cores shared by the service and the load"
curl -fs -X PUT "$url/v1/queues/bench" -H 'Content-Type: application/json' -d '{"capacity": 10000}' > /dev/null
echo "== warm-up (JIT), not measured"
wrk -t 2 -c 32 -d 15s -s bench/noop.lua "$url" > /dev/null
wrk -t 8 -c 8 -d 15s -s bench/cycle.lua "$url" > /dev/null
echo "== 1. no-op endpoint (ceiling)"
wrk -t 2 -c 32 -d "$duration" --latency -s bench/noop.lua "$url"
echo "== 2. put -> take -> ack cycles, 8 connections"
wrk -t 8 -c 8 -d "$duration" --latency -s bench/cycle.lua "$url"
echo "== 3. hand-off latency"
python3 bench/handoff.py --port "$port" --samples 2000
echo "== 4. parked long-polls"
python3 bench/parked.py --port "$port" --pid "$pid" 1000 5000 10000 15000
