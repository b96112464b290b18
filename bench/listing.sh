#!/bin/sh
# What listing a large queue's jobs costs Redis (GET /v1/queues/{q}/jobs, which the console asks
# for every 1.5 s while a queue's page is open), in one run (not part of `./mvnw verify`): the
# packaged service on its own redis-server fills queue "big" with JOBS ready jobs (batch puts of
# 100), then asks for the first page of 50 five times, printing each request's time and the
# scripts Redis logged as slower than 1 ms (SLOWLOG, µs). Needs redis-server, curl and python3.
# Method and numbers: docs/benchmarks.md ("Listing a large queue").
#
#   ./mvnw -q -DskipTests package && bench/listing.sh [jobs, default 300000]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
jobs=${1:-300000}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-listing.XXXXXX")
cp "$(ls target/dispatch-*.jar | grep -v original | head -n 1)" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
trap 'stop_service; stop_redis' EXIT
trap 'exit 130' INT TERM

start_redis
start_service "$out/dispatch.jar" "$out/dispatch.log" redis
curl -fs -X PUT "$url/v1/queues/big" -H 'Content-Type: application/json' -d '{"capacity": 2000000}' > /dev/null
echo "== filling queue big with $jobs jobs"
python3 - "$service_port" "$jobs" <<'PY'
import http.client, json, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
connection = http.client.HTTPConnection("127.0.0.1", port)
body = json.dumps([{"payload": {"n": i}} for i in range(100)])
for _ in range(n // 100):
    connection.request("POST", "/v1/queues/big/jobs/batch", body, {"Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 201, answer.status
PY
redis-cli -p "$redis_port" CONFIG SET slowlog-log-slower-than 1000 > /dev/null
redis-cli -p "$redis_port" SLOWLOG RESET > /dev/null
for _ in 1 2 3 4 5; do
  curl -fs -o /dev/null -w "first page of 50: %{time_total} s\n" "$url/v1/queues/big/jobs?limit=50"
done
# the third field of each SLOWLOG entry is its duration
durations="local out = {} for _, entry in ipairs(redis.call('SLOWLOG', 'GET', 10)) do"
durations="$durations table.insert(out, entry[3]) end return out"
echo "scripts slower than 1 ms, µs: $(redis-cli -p "$redis_port" EVAL "$durations" 0 | tr '\n' ' ')"
