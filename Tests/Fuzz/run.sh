#!/usr/bin/env bash
# Runs one libFuzzer target (built by `make fuzz-build`) for a number of seconds:
#   Tests/Fuzz/run.sh TARGET SECONDS
# First replays the committed crash inputs (Tests/Fuzz/regressions/TARGET), then fuzzes
# with the committed seeds (Tests/Fuzz/seeds/TARGET) and a growing corpus kept under
# .build-fuzz/corpus/TARGET. A crash leaves its input in .build-fuzz/artifacts/TARGET/ and
# exits non-zero. The log's last lines (executions, coverage) go to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$1
seconds=$2
build=${FUZZ_BUILD:-.build-fuzz}
binary=$build/debug/fuzz-$target
seeds=Tests/Fuzz/seeds/$target
regressions=Tests/Fuzz/regressions/$target
corpus=$build/corpus/$target
artifacts=$build/artifacts/$target
log=$build/logs/$target.log
mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
[ -x "$binary" ] || { echo "fuzz: $binary missing (make fuzz-build)" >&2; exit 2; }

# Leak checking stays off: the Swift runtime's caches read as leaks to LeakSanitizer.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
options=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=30 -detect_leaks=0 -print_final_stats=1)
if compgen -G "$regressions/*" >/dev/null; then
  "$binary" "${options[@]}" "$regressions"/* >"$build/logs/$target-regressions.log" 2>&1 ||
    { tail -40 "$build/logs/$target-regressions.log" >&2; echo "fuzz: $target: a committed regression input fails again" >&2; exit 1; }
fi
status=0
"$binary" "${options[@]}" -max_total_time="$seconds" -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
echo "fuzz-$target: ${seconds}s, ${runs:-?} executions; last: ${last:-none}"
if [ "$status" -ne 0 ]; then
  tail -60 "$log" >&2
  echo "fuzz: $target crashed (input in $artifacts/, log $log)" >&2
  exit 1
fi
