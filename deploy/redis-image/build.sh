#!/usr/bin/env bash
# build.sh builds the Redis test image FROM scratch out of the host's
# redis-server binary and the shared libraries ldd lists for it.
#
#   REDIS_IMAGE   image name to build (default utalk-redis:local)
#   REDIS_SERVER  redis-server binary to package (default: the one on PATH)
#
# No registry is needed: the Dockerfile starts FROM scratch. Rebuilding with
# the same binary hits docker's layer cache and takes about a second.
# The image carries the binary's sha256 in label org.utalk.redis-server.sha256.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="${REDIS_IMAGE:-utalk-redis:local}"
bin="${REDIS_SERVER:-$(command -v redis-server || true)}"

if [[ -z "$bin" || ! -x "$bin" ]]; then
	echo "build.sh: redis-server not found (apt-get install redis-server)" >&2
	exit 1
fi
command -v docker >/dev/null || { echo "build.sh: docker CLI not found" >&2; exit 1; }

ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/usr/bin"

# Debian's /usr/bin/redis-server is a symlink to redis-check-rdb and picks
# its mode from argv[0], so copy the target under the name redis-server.
cp -L "$bin" "$ctx/rootfs/usr/bin/redis-server"

# ldd prints "name => /path (addr)" for libraries and "/path (addr)" for
# the loader; linux-vdso has no file and is skipped.
mapfile -t libs < <(ldd "$bin" | awk '
	$2 == "=>" && $3 ~ /^\// { print $3; next }
	$1 ~ /^\// { print $1 }
')
if [[ ${#libs[@]} -eq 0 ]]; then
	echo "build.sh: ldd listed no libraries for $bin" >&2
	exit 1
fi
for lib in "${libs[@]}"; do
	mkdir -p "$ctx/rootfs$(dirname "$lib")"
	cp -L "$lib" "$ctx/rootfs$lib"
done

cp "$here/Dockerfile" "$ctx/Dockerfile"
echo "build.sh: building $image from $bin ($("$bin" --version | awk '{print $3}'), ${#libs[@]} libraries)"
sum="$(sha256sum "$ctx/rootfs/usr/bin/redis-server" | awk '{print $1}')"
# The legacy builder prints a deprecation notice on stderr; show docker's
# output only when the build fails.
if ! docker build -q --build-arg REDIS_SERVER_SHA256="$sum" -t "$image" "$ctx" >"$ctx/build.log" 2>&1; then
	cat "$ctx/build.log" >&2
	echo "build.sh: docker build failed" >&2
	exit 1
fi
echo "build.sh: built $image"
