#!/usr/bin/env bash
# Prepares Testcontainers for the Redis backend's tests on a machine that can pull no image and has
# no Docker engine: Podman serves the Docker API on a socket, and a local image, built FROM scratch
# from the host's own redis-server, stands in for the Docker Hub redis image.
#
# Idempotent; run as root (or with sudo) after redis-server is installed. Progress goes to stderr;
# stdout is only the environment to use, so a caller can do: eval "$(.ci/redis-image.sh)"
set -euo pipefail

IMAGE=localhost/dispatch-redis:7 # RedisContainers.IMAGE; never pulled
SOCK=/run/dispatch-podman.sock
LOG=/run/dispatch-podman.log

log() { echo "redis-image: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Podman, with runc: crun cannot set the rlimits here. Recommends bring netavark and iptables
#    (the port forwarding Testcontainers needs). curl checks the API socket below.
missing=()
for p in podman runc curl; do command -v "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	as_root apt-get update -qq >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. Engine settings. Written only if the file does not exist: a host's own configuration stays.
CONF=/etc/containers/containers.conf
if ! as_root grep -qs '^runtime *= *"runc"' "$CONF"; then
	if as_root test -e "$CONF"; then
		log "WARNING: $CONF exists without runtime = \"runc\"; leaving it alone"
	else
		log "writing $CONF"
		as_root mkdir -p "$(dirname "$CONF")"
		as_root tee "$CONF" >/dev/null <<-'EOF'
			# written by .ci/redis-image.sh
			[containers]
			# no rlimits for containers: setting them fails in this VM
			default_ulimits = []

			[engine]
			# crun fails on rlimits here
			runtime = "runc"
		EOF
	fi
fi

# 3. The image: redis-server, the libraries ldd lists and the dynamic loader, FROM scratch (no
#    shell inside, so tests wait for redis' log line rather than exec-ing a port check).
if ! as_root podman image exists "$IMAGE"; then
	command -v redis-server >/dev/null 2>&1 || { log "redis-server is not installed (apt-get install redis-server)"; exit 1; }
	log "building $IMAGE from $(command -v redis-server)"
	ctx=$(mktemp -d)
	trap 'rm -rf "$ctx"' EXIT
	server=$(readlink -f "$(command -v redis-server)")
	mkdir -p "$ctx/rootfs/usr/bin"
	cp "$server" "$ctx/rootfs/usr/bin/redis-server"
	# "libx.so => /path (0x..)" and "/lib64/ld-linux-x86-64.so.2 (0x..)": copy every absolute path,
	# symlinks resolved, to the same path in the image.
	ldd "$server" | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$ctx/rootfs$(dirname "$lib")"
		cp -L "$lib" "$ctx/rootfs$lib"
	done
	cat >"$ctx/Containerfile" <<-'EOF'
		FROM scratch
		COPY rootfs/ /
		EXPOSE 6379
		ENTRYPOINT ["/usr/bin/redis-server"]
		# all interfaces inside the container (the port is forwarded), no persistence
		CMD ["--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
	EOF
	as_root podman build --pull=never -q -t "$IMAGE" "$ctx" >&2
fi

# 4. Podman's Docker-compatible API, in the background, detached from this script's output.
ping() { as_root curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }
if ! ping; then
	log "starting podman system service on $SOCK (log: $LOG)"
	as_root rm -f "$SOCK"
	# From /, not the caller's directory: a clone deleted later would leave conmon without a
	# working directory, and every container start failing. The subshell's own descriptors are
	# redirected with exec and the service replaces it: a redirection on a function call (as_root)
	# would have bash keep a copy of the old stdout that the service inherits, holding the caller's
	# $(...) open for ever.
	(
		cd /
		exec </dev/null >>"$LOG" 2>&1
		if [ "$(id -u)" -eq 0 ]; then exec setsid podman system service --time=0 "unix://$SOCK"; fi
		exec sudo setsid podman system service --time=0 "unix://$SOCK"
	) &
	for _ in $(seq 1 40); do ping && break; sleep 0.5; done
	ping || { log "podman did not answer on $SOCK within 20 s; see $LOG"; exit 1; }
fi

echo "export DOCKER_HOST=unix://$SOCK"
echo "export TESTCONTAINERS_RYUK_DISABLED=true"
# Tests reach published ports on loopback, never through the Podman bridge's address.
echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost"
