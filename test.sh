#!/usr/bin/env bash
# Runs every Ranvier test suite and ends with one line summing them: "N passed, N failed, N skipped".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Config]
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Ranvier.slnx -nologo -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Ranvier.slnx --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test assembly prints: "Passed!  - Failed:     0, Passed:    36, Skipped:     0, Total: ..."
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1)
    }
  }
  END { print p + 0, f + 0, s + 0 }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A suite crashed or did not report: count it as a failure so the sum never looks green.
  failed=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
