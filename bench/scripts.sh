#!/bin/sh
# The Redis backend's scripts alone: Redis CPU per put -> take -> ack cycle, run inside
# Redis with no service and no network (bench/scripts.py builds the library), so that a
# change to the Lua can be measured to a few percent on a shared machine. Each folder of Lua
# (default: the project's) gets a fresh redis-server (no persistence) and a fresh queue; the
# folders take turns, ROUNDS times (3). Each run: 20,000 cycles in calls of 100, after
# BACKLOG (0) jobs put first; LANES=on puts each job in one of 16 fairness groups at priority
# 4, 5 or 6 (both: LANES="off on"). Prints the redis-server CPU time per cycle (/proc).
# Needs redis-server, redis-cli, python3.
#
#   bench/scripts.sh [LUA_FOLDER...]
#
set -eu
cd "$(dirname "$0")/.."
. bench/service.sh
[ $# -gt 0 ] || set -- src/main/resources/dev/dispatch/backend/redis
trap 'stop_redis' EXIT
trap 'exit 130' INT TERM
keys="b:{q}:meta b:{q}:ready b:{q}:delayed b:{q}:leases b:{q}:outbox b:{q}:outmeta b:{q}:job: b:{q}:idem:"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for folder in "$@"; do
    for lanes in ${LANES:-off}; do
      start_redis
      python3 bench/scripts.py "$folder" | redis-cli -p "$redis_port" -x FUNCTION LOAD > /dev/null
      # shellcheck disable=SC2086
      redis-cli -p "$redis_port" FCALL bench_define 8 $keys 100000 > /dev/null
      # shellcheck disable=SC2086
      redis-cli -p "$redis_port" FCALL bench_cycles 8 $keys 0 "$lanes" 0 "${BACKLOG:-0}" > /dev/null
      before=$(cpu_ticks "$redis_pid")
      for base in $(seq 0 100 19900); do
        echo "FCALL bench_cycles 8 $keys 100 $lanes $base"
      done | redis-cli -p "$redis_port" > "$redis_dir/answers"
      after=$(cpu_ticks "$redis_pid")
      if grep -qv '^100$' "$redis_dir/answers"; then
        echo "a call failed:" >&2
        grep -v '^100$' "$redis_dir/answers" | head -3 >&2
        exit 1
      fi
      python3 -c "import sys; t, hz = int(sys.argv[1]), int(sys.argv[2]); print('round %s  lanes %-3s  %6.1f us a cycle  %s' % (sys.argv[3], sys.argv[4], t * 1e6 / hz / 20000, sys.argv[5]))" \
        "$((after - before))" "$(getconf CLK_TCK)" "$round" "$lanes" "$folder"
      stop_redis
    done
  done
done
