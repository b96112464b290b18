#!/bin/sh
# What whole-queue operations on a large queue cost Redis, in one run (not part of
# `./mvnw verify`). The packaged service, on its own redis-server, fills queue "big" with JOBS
# ready jobs (batch puts of 100), then:
#   1. lists the first page of 50 five times (GET /v1/queues/big/jobs, which the console asks for
#      every 1.5 s while a queue's page is open);
#   2. purges it (POST /v1/queues/big/purge);
#   3. fills it again and closes it at once (close?immediate=true: every job moves to big.dead);
#   4. deletes big.dead with its jobs (DELETE /v1/queues/big.dead?discard=true).
# Each step prints its request's time and what Redis logged as slower than 1 ms meanwhile
# (SLOWLOG: how many entries, the longest and their sum, in µs): for that long Redis served
# nothing else. Needs redis-server, curl and python3. Method and numbers: docs/benchmarks.md
# ("A large queue").
#
#   ./mvnw -q -DskipTests package && bench/large-queue.sh [jobs, default 300000] [jar]
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
jobs=${1:-300000}
jar=${2:-$(ls target/dispatch-*.jar | grep -v original | head -n 1)}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-large-queue.XXXXXX")
cp "$jar" "$out/dispatch.jar"
java="$(./mvnw --java-home)/bin/java"
trap 'stop_service; stop_redis; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

start_redis --slowlog-log-slower-than 1000 --slowlog-max-len 100000
start_service "$out/dispatch.jar" "$out/dispatch.log" redis

fill() {
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
  redis-cli -p "$redis_port" SLOWLOG RESET > /dev/null
}

# What Redis logged as slow since the last reset (the third field of an entry is its duration).
slow() {
  script="local n, max, sum = 0, 0, 0"
  script="$script for _, e in ipairs(redis.call('SLOWLOG', 'GET', -1)) do"
  script="$script n = n + 1; sum = sum + e[3]; if e[3] > max then max = e[3] end end"
  script="$script return {n, max, sum}"
  echo "   Redis slower than 1 ms: $(redis-cli -p "$redis_port" EVAL "$script" 0 | tr '\n' ' ' \
    | awk '{ printf "%d entries, longest %d µs, sum %d µs", $1, $2, $3 }')"
  redis-cli -p "$redis_port" SLOWLOG RESET > /dev/null
}

# request LABEL METHOD PATH: one timed request
request() {
  curl -fs -o /dev/null -w "$1: %{time_total} s\n" -X "$2" "$url$3"
}

curl -fs -X PUT "$url/v1/queues/big" -H 'Content-Type: application/json' -d '{"capacity": 2000000}' > /dev/null
fill
for _ in 1 2 3 4 5; do
  request "first page of 50" GET "/v1/queues/big/jobs?limit=50"
done
slow
request purge POST /v1/queues/big/purge
slow
fill
request "immediate close" POST "/v1/queues/big/close?immediate=true"
slow
echo "   big.dead holds $(curl -fs "$url/v1/queues/big.dead" | python3 -c 'import json, sys; print(json.load(sys.stdin)["size"])') jobs"
request "delete with discard" DELETE "/v1/queues/big.dead?discard=true"
slow
