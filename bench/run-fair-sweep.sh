#!/usr/bin/env bash
# The fair test of issue 17 on the bundled sample (report v2, docs/results/README.md): the fair-v2 grid
# (calibration split, equal update budget, training-margin axis, boosted vs non-boosted, 3 seeds) in stages, each
# adding levels to the one before. Resumable: results are stored per trial under their configuration's key, so
# running a stage again (or the next one) trains only what is missing; stop it at any time with Ctrl-C or SIGTERM.
#   bench/run-fair-sweep.sh [stage1|stage2|stage3|full] [extra sweep options, e.g. --threads 2]
# stage1: tiny conv1d branch, additive form (15 boosted + 3 non-boosted cascades per backbone)
# stage2: + the wide conv1d branch; stage3: + the conv2d baseline and the multiplicative form
# full:   the built-in fair-v2 definition (adds the soft mode; its trials are new, since the modes are part of a key).
#         Not the sweep command's default, which stays bts-ee-64 (report v1's grid).
# Environment: OUT (the sweep folder, default target/fair-sweep/sample), BACKBONE (default: the sample's own),
# EXITBENCH_JAR (a copy of target/exitbench.jar with its lib/ beside it, so a rebuild cannot disturb a long run).
set -euo pipefail
cd "$(dirname "$0")/.."
stage="${1:-stage1}"
shift || true
out="${OUT:-target/fair-sweep/sample}"
case "$stage" in
  stage1|stage2|stage3) definition=(--definition "bench/sweeps/fair-v2-$stage.json") ;;
  full) definition=(--definition fair-v2) ;;
  *) echo "unknown stage '$stage': use stage1, stage2, stage3 or full" >&2; exit 2 ;;
esac
backbone=()
if [ -n "${BACKBONE:-}" ]; then
  backbone=(--backbone "$BACKBONE")
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# The sweep folder must be new or a sweep folder, so the timing logs go beside it.
mkdir -p "$(dirname "$out")"
echo "$(date -u +%FT%TZ) $stage start, load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out-timing.log"
if [ -n "${EXITBENCH_JAR:-}" ]; then
  run=(java ${EXITBENCH_JAVA_OPTS:--Xmx2g} -jar "$EXITBENCH_JAR")
else
  run=(scripts/exitbench)
fi
status=0
/usr/bin/time -v -o "$out-time-$stage.txt" "${run[@]}" sweep --data sample-data/fashion-mnist \
    --workspace "${WORKSPACE:-target/bench-workspace}" --out "$out" "${definition[@]}" "${backbone[@]}" "$@" \
    || status=$?
echo "$(date -u +%FT%TZ) $stage end (exit $status), load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out-timing.log"
exit "$status"
