#!/usr/bin/env bash
# Publishes the server as one native executable (NativeAOT): no .NET runtime needed where it runs, about half the
# memory of the JIT build (docs/deployment.md). Needs clang and zlib's headers (Debian: apt-get install clang zlib1g-dev).
# Usage: scripts/publish-aot.sh [output directory, default artifacts/aot]   -> <dir>/ranvier and <dir>/libe_sqlite3.so
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/aot}
dotnet publish src/Ranvier.Server -c Release -r linux-x64 -p:PublishAot=true -nologo -clp:ErrorsOnly -o "$out"
echo "$out/ranvier"
