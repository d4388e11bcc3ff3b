#!/usr/bin/env bash
# Runs every Ranvier test suite and ends with one line summing them: "N passed, N failed, N skipped".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Config]
# After the .NET tests it runs the tier-3 suites in tests/e2e (matrix-js-sdk, matrix-nio and Hydrogen in headless
# Chromium against a real server): once against the Debug build, once against a NativeAOT publish of the server.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Debian packages and the pinned npm packages of tests/e2e; quick when they are already there.
if ! scripts/install-test-deps.sh; then
  echo "installing the test dependencies failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

dotnet build Ranvier.slnx -nologo -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# A test that hangs is stopped after ten minutes and fails its suite, rather than holding the whole run.
dotnet test Ranvier.slnx --no-build -nologo --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
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

# Tier-3 end-to-end suites (tests/e2e): real Matrix clients against the ranvier.dll built above. Each prints
# "# pass N", "# fail N", "# skipped N" at the end (node's TAP summary; tests/e2e/nio/run.py mimics it).
run_e2e() {
  local name=$1; shift
  local out p f s rc
  out=$(mktemp)
  timeout 300 "$@" >"$out" 2>&1
  rc=$?
  read -r p f s < <(awk '
    /^# pass [0-9]+$/ { p = $3 } /^# fail [0-9]+$/ { f = $3 } /^# skipped [0-9]+$/ { s = $3 }
    END { print p + 0, f + 0, s + 0 }' "$out")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1  # crashed, timed out, or failed in a hook outside any test
  fi
  if [ "$f" -ne 0 ]; then
    cat "$out"
  fi
  rm -f "$out"
  echo "e2e $name: $p passed, $f failed, $s skipped"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  [ "$rc" -eq 0 ] || status=1
}

# A suite that cannot even start counts as one failure.
e2e_missing() {
  echo "e2e $1: cannot run: $2"
  failed=$((failed + 1)) status=1
}

# The three suites against one server build; $1 labels it in the output.
run_e2e_suites() {
  local label=$1
  if [ -x tests/e2e/js/node_modules/.bin/node ]; then
    run_e2e "js$label" bash -c 'cd tests/e2e/js && exec node_modules/.bin/node --test --test-force-exit --test-reporter=tap test/*.test.mjs'
  else
    e2e_missing "js$label" "tests/e2e/js/node_modules is not installed; run 'npm ci' there (.ci/run does)"
  fi
  if /usr/bin/python3 -c 'import nio' 2>/dev/null; then
    run_e2e "nio$label" /usr/bin/python3 tests/e2e/nio/run.py
  else
    e2e_missing "nio$label" "/usr/bin/python3 has no matrix-nio; apt-get install python3-matrix-nio python3-olm (.ci/run does)"
  fi
  # Hydrogen in Chromium runs on the Node binary that tests/e2e/js installs.
  if [ ! -x tests/e2e/js/node_modules/.bin/node ] || [ ! -d tests/e2e/browser/node_modules/playwright-core ]; then
    e2e_missing "browser$label" "tests/e2e/js or tests/e2e/browser has no node_modules; run 'npm ci' in both (.ci/run does)"
  elif [ ! -x /usr/bin/chromium ]; then
    e2e_missing "browser$label" "/usr/bin/chromium is missing; apt-get install chromium (.ci/run does)"
  else
    run_e2e "browser$label" bash -c 'cd tests/e2e/browser && exec ../js/node_modules/.bin/node --test --test-force-exit --test-reporter=tap test/*.test.mjs'
  fi
}

run_e2e_suites ""

# The same suites against the NativeAOT build (docs/deployment.md), published here from the same sources.
aot_dir=$(mktemp -d)
if scripts/publish-aot.sh "$aot_dir" >"$log" 2>&1; then
  export E2E_RANVIER_SERVER="$aot_dir/ranvier"
  run_e2e_suites " (NativeAOT)"
  unset E2E_RANVIER_SERVER
else
  cat "$log"
  e2e_missing "NativeAOT" "scripts/publish-aot.sh failed (it needs clang and zlib1g-dev; .ci/run installs them)"
fi
rm -rf "$aot_dir"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
