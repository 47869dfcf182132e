#!/bin/sh
# Smoke test of the container image (make image-test): run it with podman
# (runc, explicit ulimits, read-only root, tmpfs /tmp, no capabilities,
# uid 10001 from the image) with the configuration the Helm chart renders
# for the test stack (MariaDB 3407, Redis 6407; host network, since both
# listen on loopback only): the migration as the Job runs it, then the
# server; GET /healthcheck must answer 200 with MariaDB and Redis ok.
#
# The container's Kore config is the chart's ConfigMap with one change: it
# listens on $IMAGE_TEST_PORT (default 8088) instead of 8080, which the dev
# server owns on this host network.
#
#   IMAGE=localhost/daybook:0.1.0 sh tests/helm/image-test.sh
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
image=${IMAGE:-localhost/daybook:0.1.0}
port=${IMAGE_TEST_PORT:-8088}
timeout=${IMAGE_TEST_TIMEOUT:-60}	# seconds, for start and stop
name="daybook-image-test-$$"
helm="$root/tools/helm"
passed=0
failed=0
started=0

ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

finish()
{
	if [ "$started" -eq 1 ]; then
		podman rm -f -t 5 "$name" >/dev/null 2>&1
	fi
	podman rm -f -t 5 "$name-default" >/dev/null 2>&1
	echo "image-test: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

if ! podman image exists "$image"; then
	echo "image-test: image $image not found: run make image first" >&2
	fail "image $image exists"
	finish
fi
sh scripts/stack.sh start test >/dev/null || { fail "test stack started"; finish; }

dir="$root/var/image-test"
rm -rf "$dir"
mkdir -p "$dir"
"$helm" template dbk helm/daybook \
	--set mariadb.enabled=false \
	--set externalDatabase.host=127.0.0.1 \
	--set externalDatabase.port=3407 \
	--set-file externalDatabase.password=var/test/db_password \
	--set redis.enabled=false \
	--set externalRedis.host=127.0.0.1 \
	--set externalRedis.port=6407 \
	--set-file externalRedis.password=var/test/redis_password \
	> "$dir/rendered.yaml" && node tests/helm/extract.mjs "$dir/rendered.yaml" "$dir/out"
check "chart rendered and extracted" [ $? -eq 0 ]
[ "$failed" -eq 0 ] || finish
sed "s|bind 0.0.0.0 8080|bind 0.0.0.0 $port|" "$dir/out/daybook.conf" > "$dir/daybook.conf"
chmod 0444 "$dir/daybook.conf"
# The secrets as the kubelet would mount them: readable by the pod's user.
chmod 0755 "$dir/out" "$dir/out/secrets"
chown 10001:10001 "$dir/out/secrets"/*
chmod 0400 "$dir/out/secrets"/*

run_flags="--network=host --read-only --tmpfs /tmp:rw,size=64m,mode=1777 \
 --cap-drop=ALL --security-opt=no-new-privileges \
 --ulimit nofile=8192:8192 --ulimit nproc=4096:4096 \
 --env-file $dir/out/env \
 -v $dir/daybook.conf:/etc/daybook/daybook.conf:ro \
 -v $dir/out/secrets:/etc/daybook/secrets:ro"

# shellcheck disable=SC2086
podman --runtime runc run --rm $run_flags "$image" id -u > "$dir/id.log" 2>&1
check "runs as uid 10001 (got $(cat "$dir/id.log"))" [ "$(cat "$dir/id.log")" = 10001 ]

# shellcheck disable=SC2086
podman --runtime runc run --rm $run_flags "$image" daybook-admin migrate > "$dir/migrate.log" 2>&1
check "daybook-admin migrate in the image exits 0" [ $? -eq 0 ]

if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" 2>/dev/null; then
	fail "port $port is free"
	finish
fi
# shellcheck disable=SC2086
podman --runtime runc run -d --name "$name" $run_flags "$image" > "$dir/run.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] && started=1
check "container started with the image's CMD" [ "$rc" -eq 0 ]
code=""
deadline=$(($(date +%s) + timeout))
while [ "$started" -eq 1 ] && [ "$(date +%s)" -lt "$deadline" ]; do
	code=$(curl -s -o "$dir/healthcheck.json" -w '%{http_code}' --max-time 2 \
	    "http://127.0.0.1:$port/healthcheck" 2>/dev/null) || code=""
	[ "$code" = 200 ] && break
	[ "$(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
	sleep 0.5
done
check "GET /healthcheck answers 200 (got ${code:-nothing})" [ "$code" = 200 ]
check "/healthcheck reports MariaDB ok" grep -qs '"mariadb":"ok"' "$dir/healthcheck.json"
check "/healthcheck reports Redis ok" grep -qs '"redis":"ok"' "$dir/healthcheck.json"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/livez")
check "GET /livez answers 200" [ "$code" = 200 ]
if [ "$started" -eq 1 ]; then
	podman stop -t "$timeout" "$name" > /dev/null 2>&1
	check "container stops on SIGTERM" [ "$(podman inspect -f '{{.State.ExitCode}}' "$name")" = 0 ]
	podman logs "$name" > "$dir/container.log" 2>&1
	check "Kore logs to standard output" grep -q "serving http" "$dir/container.log"
	leaked=0
	for s in "$dir"/out/secrets/*; do
		grep -qF -- "$(cat "$s")" "$dir/container.log" "$dir/migrate.log" && leaked=1
	done
	check "no secret value in the container's output" [ "$leaked" -eq 0 ]
fi
# The image's own default /etc/daybook/daybook.conf (plain `podman run`,
# nothing but the secrets mounted), in a network namespace of its own with
# no database: /livez must answer 200 and /healthcheck 503 (MariaDB down),
# seen from inside the container.
default="$name-default"
# shellcheck disable=SC2086
podman --runtime runc run -d --name "$default" --network=none --read-only \
    --tmpfs /tmp:rw,size=64m,mode=1777 --cap-drop=ALL \
    --security-opt=no-new-privileges \
    --ulimit nofile=8192:8192 --ulimit nproc=4096:4096 \
    -v "$dir/out/secrets:/etc/daybook/secrets:ro" "$image" > "$dir/default.log" 2>&1
check "container with the image's default config started" [ $? -eq 0 ]
code=""
deadline=$(($(date +%s) + timeout))
while [ "$(date +%s)" -lt "$deadline" ]; do
	code=$(podman exec "$default" curl -s -o /dev/null -w '%{http_code}' \
	    --max-time 2 http://127.0.0.1:8080/livez 2>/dev/null) || code=""
	[ "$code" = 200 ] && break
	[ "$(podman inspect -f '{{.State.Running}}' "$default" 2>/dev/null)" = true ] || break
	sleep 0.5
done
check "default config: GET /livez answers 200 (got ${code:-nothing})" [ "$code" = 200 ]
code=$(podman exec "$default" curl -s -o /dev/null -w '%{http_code}' \
    --max-time 5 http://127.0.0.1:8080/healthcheck 2>/dev/null)
check "default config without a database: GET /healthcheck answers 503 (got ${code:-nothing})" [ "$code" = 503 ]
podman logs "$default" >> "$dir/default.log" 2>&1
podman rm -f -t 5 "$default" > /dev/null 2>&1

[ "$failed" -eq 0 ] || tail -n 20 "$dir"/*.log >&2
finish
