#!/usr/bin/env bash
# Issue 20 on the bundled sample: three runs (seeds 1-3) under the fair protocol of report v2 (calibration split 0.5,
# 40 updates per epoch, m = 0, exits after stages 1-3, 16-filter conv1d branches), then every exit decision rule
# measured against the oracle ceiling (docs/results/exit-decisions.md).
#   bench/run-exit-rules.sh [workspace, default target/exit-rules-ws] [out, default target/exit-rules]
set -euo pipefail
cd "$(dirname "$0")/.."
ws="${1:-target/exit-rules-ws}"
out="${2:-target/exit-rules}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$ws"
for seed in 1 2 3; do
  config="$ws/run-config-seed$seed.json"
  sed "s/^}$/  ,\"seed\": $seed\n}/" bench/exit-rules/run-config.json > "$config"
  echo "$(date -u +%FT%TZ) run seed $seed, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  scripts/exitbench run --config "$config" --data sample-data/fashion-mnist --workspace "$ws" -q
done
echo "$(date -u +%FT%TZ) exit-rules, load average $(cut -d' ' -f1-3 /proc/loadavg)"
scripts/exitbench exit-rules --workspace "$ws" --out "$out"
echo "$(date -u +%FT%TZ) done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
