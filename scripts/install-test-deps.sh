#!/usr/bin/env bash
# Installs what the test suites need, once: Debian packages (libsodium, libvips, matrix-nio for tests/e2e/nio, npm,
# chromium for tests/e2e/browser, clang and zlib1g-dev for the NativeAOT build) and the pinned npm packages of
# tests/e2e/js (matrix-js-sdk, its Rust crypto and a Node 22 binary) and tests/e2e/browser (hydrogen-view-sdk, esbuild,
# playwright-core, which downloads no browser).
# Idempotent and quiet when everything is there already; test.sh runs it first.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
ldconfig -p | grep -q 'libsodium\.so\.23' || need+=(libsodium23)
# libvips for thumbnails (the server starts without it, but the thumbnail tests need it).
ldconfig -p | grep -q 'libvips\.so\.42' || need+=(libvips42)
# clang and zlib's headers link the NativeAOT build (scripts/publish-aot.sh) that the e2e suites also run against.
for pkg in python3-matrix-nio python3-olm chromium clang zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: missing Debian packages: ${need[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install (npm records it in node_modules).
for dir in tests/e2e/js tests/e2e/browser; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
