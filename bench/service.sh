# Shared by the load harnesses (bench/load.sh, bench/backends.sh, bench/peer.sh, bench/bullmq.sh,
# bench/idle.sh, ...): sourced, not run. Starts and stops the packaged service and, for the Redis
# backend, a redis-server of its own, each on a free loopback port. Every process started here is
# stopped by its pid.

# A free loopback port.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_redis [redis-server arguments...]: starts redis-server on a free port, in a fresh
# directory, saving no RDB snapshots; the arguments add to or override that (for instance
# --appendonly yes --appendfsync everysec). Sets redis_port, redis_pid and redis_dir.
start_redis() {
  redis_port=$(free_port)
  redis_dir=$(mktemp -d "${TMPDIR:-/tmp}/dispatch-bench-redis.XXXXXX")
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" --save "" --appendonly no \
    --daemonize no "$@" > "$redis_dir/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 50); do
    [ "$(redis-cli -p "$redis_port" PING 2> /dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "redis-server did not start; its log:" >&2
  cat "$redis_dir/redis.log" >&2
  return 1
}

stop_redis() {
  if [ -n "${redis_pid:-}" ]; then
    kill "$redis_pid" 2> /dev/null || true
    wait "$redis_pid" 2> /dev/null || true
    rm -rf "$redis_dir"
    redis_pid=
  fi
}

# start_service JAR LOG BACKEND [service arguments...]: starts the service ($java) with a 512 MiB
# heap and the bench profile on a free port, on BACKEND (memory, or redis at redis_port), and
# waits until it is ready. Sets service_port, service_pid and url.
start_service() {
  service_jar=$1 service_log=$2 service_backend=$3
  shift 3
  service_port=$(free_port)
  if [ "$service_backend" = redis ]; then
    set -- --dispatch.backend=redis --spring.data.redis.url="redis://127.0.0.1:$redis_port" "$@"
  fi
  "$java" -Xmx512m -jar "$service_jar" --spring.profiles.active=bench --server.address=127.0.0.1 \
    --server.port="$service_port" --logging.level.root=warn "$@" > "$service_log" 2>&1 &
  service_pid=$!
  url="http://127.0.0.1:$service_port"
  for _ in $(seq 1 120); do
    curl -fs "$url/actuator/health/readiness" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the service did not become ready; its log ($service_log):" >&2
  tail -n 30 "$service_log" >&2
  return 1
}

stop_service() {
  stop_pid "${service_pid:-}"
  service_pid=
}

# stop_pid PID: stops a process this shell started, by its pid, and waits for it; nothing when PID
# is empty.
stop_pid() {
  if [ -n "$1" ]; then
    kill "$1" 2> /dev/null || true
    wait "$1" 2> /dev/null || true
  fi
}

# CPU time a process has used so far, in clock ticks (user + system, all its threads).
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# CPU time the JVM's JIT compiler threads (C1, C2) have used so far, in clock ticks: compiling is
# warm-up, not the cost of a request, and after a minute of load it still comes and goes.
jit_ticks() {
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2> /dev/null)" in
      C1\ Compiler* | C2\ Compiler*) sed 's/.*) //' "$task/stat" 2> /dev/null | awk '{ print $12 + $13 }' ;;
    esac
  done | awk '{ total += $1 } END { print total + 0 }'
}

# CPU time all processes have used so far, in clock ticks (user, nice, system, irq, softirq, steal).
machine_ticks() {
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# children_ticks FILE: the CPU time this shell's finished children had used, in clock ticks, from
# the output of `times` (a builtin, so it must run in this shell, not in a $(...) subshell).
children_ticks() {
  awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
    for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] }
    printf "%d\n", total * hz + 0.5 }' "$1"
}

# settle_and_take_works URL QUEUE: whether the service at URL answers settle-and-take as
# bench/settle_take.lua expects (POST /v1/queues/QUEUE/leases/settle?take=1): two jobs put, the
# first taken with [], acked by the settle-and-take that takes the second, which a plain ack
# settles. Prints why not when it does not (400 or 404: the endpoint is not there yet).
settle_and_take_works() {
  probe=$(mktemp "${TMPDIR:-/tmp}/dispatch-bench-probe.XXXXXX")
  set -- "$1/v1/queues/$2" "$probe"
  why=$(settle_and_take_probe "$@")
  rm -f "$probe"
  [ -z "$why" ] || { echo "$why"; return 1; }
}

settle_and_take_probe() {
  for n in 1 2; do
    status=$(curl -s -o "$2" -w '%{http_code}' -X POST "$1/jobs?wait=0" -H 'Content-Type: application/json' -d "{\"n\":$n}")
    [ "$status" = 201 ] || { echo "a put answered $status: $(head -c 300 "$2")"; return; }
  done
  probe_lease=
  for body in '[]' ack; do
    [ "$body" = ack ] && body="[{\"lease\":\"$probe_lease\",\"action\":\"ack\"}]"
    status=$(curl -s -o "$2" -w '%{http_code}' -X POST "$1/leases/settle?take=1&wait=1s" \
      -H 'Content-Type: application/json' -d "$body")
    if [ "$status" != 200 ]; then
      echo "settle-and-take answered $status: $(head -c 300 "$2")"
      return
    fi
    if [ -n "$probe_lease" ] && ! grep -q '"outcome":"done"' "$2"; then
      echo "settle-and-take did not ack: $(head -c 300 "$2")"
      return
    fi
    probe_lease=$(sed -n 's/.*"leaseId":"\([^"]*\)".*/\1/p' "$2")
    [ -n "$probe_lease" ] || { echo "settle-and-take took no job: $(head -c 300 "$2")"; return; }
  done
  status=$(curl -s -o "$2" -w '%{http_code}' -X POST "$1/leases/$probe_lease/ack")
  [ "$status" = 204 ] || echo "the ack after settle-and-take answered $status: $(head -c 300 "$2")"
}
