#!/usr/bin/env bash
# One Markdown table row per fuzz log (.build-fuzz/logs/TARGET.log, written by run.sh):
# target, executions, executions/s, edge coverage (cov), features (ft), corpus, peak RSS.
cd "$(dirname "$0")/../.."
echo "| target | executions | exec/s | cov | ft | corpus | peak RSS |"
echo "|---|---:|---:|---:|---:|---|---:|"
if [ $# -gt 0 ]; then logs=("$@"); else logs=(.build-fuzz/logs/*.log); fi
for log in "${logs[@]}"; do
  [[ $log == *-regressions.log ]] && continue
  target=$(basename "$log" .log)
  stat() { grep -o "stat::$1: *[0-9]*" "$log" | awk '{print $2}' | tail -1; }
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
  cov=$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$last")
  ft=$(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$last")
  corpus=$(sed -E 's/.*corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/' <<<"$last")
  echo "| $target | $(stat number_of_executed_units) | $(stat average_exec_per_sec) | $cov | $ft | $corpus | $(stat peak_rss_mb) MB |"
done
