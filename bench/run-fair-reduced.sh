#!/usr/bin/env bash
# The reduced fair test of issue 17 (report v2, "what ran in session 3"): what a 2-core machine shared by six
# sessions can finish in an afternoon. Two chains, each resumable (stored trials are reused; run again after a stop):
#   bench/run-fair-reduced.sh sample [--threads 2]  the axes stage 1 left out, each against stage 1's base at training
#       margins -0.02, 0.05, 0.2 (bench/sweeps/fair-v2-r-*.json), seeds 1-2 first, then seed 3 where time allows:
#       a second backbone (the ONNX fixture), the multiplicative form, the wide conv1d branch, soft survivor
#       weighting, the Conv2D baseline;
#   bench/run-fair-reduced.sh full [--threads 2]    the full Fashion-MNIST (70,000 images, imported from Debian's
#       dataset-fashion-mnist IDX files into target/, never committed) with the sample's shipped backbone (trained on
#       10,000 of these training images) and stage 1's grid cut to 3 training margins and 5 epochs of 211 updates
#       (bench/sweeps/fair-v2-fashion-mnist-reduced.json); the full protocol, with backbones trained on the full
#       data, is bench/run-fair-fashion-mnist.sh (overnight).
# Environment: OUT_ROOT (default target/fair-sweep), EXITBENCH_JAR (a copy of target/exitbench.jar with lib/ beside
# it, so a rebuild cannot disturb a long run), SEEDS (default "2 3": --seeds 2, then --seeds 3).
set -euo pipefail
cd "$(dirname "$0")/.."
chain="${1:-sample}"
shift || true
root="${OUT_ROOT:-target/fair-sweep}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$root"
log="$root/reduced-timing.log"
stamp() { echo "$(date -u +%FT%TZ) $*, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log" >&2; }
if [ -n "${EXITBENCH_JAR:-}" ]; then
  run=(java ${EXITBENCH_JAVA_OPTS:--Xmx2g} -jar "$EXITBENCH_JAR")
else
  run=(scripts/exitbench)
fi

# sweep NAME DATA BACKBONE OUT [options]: one sweep session, timed; a failure is logged and the chain goes on.
sweep() {
  local name="$1" data="$2" backbone="$3" out="$4"
  shift 4
  stamp "$name start ($*)"
  local status=0
  /usr/bin/time -v -o "$out-time-$name-$(date -u +%H%M).txt" "${run[@]}" sweep --data "$data" --backbone "$backbone" \
      --workspace "${WORKSPACE:-target/bench-workspace}" --out "$out" \
      --definition "bench/sweeps/$name.json" "$@" || status=$?
  stamp "$name end (exit $status)"
}

sample=sample-data/fashion-mnist
case "$chain" in
  sample)
    for n in ${SEEDS:-2 3}; do
      sweep fair-v2-r-backbone2 "$sample" "$sample/onnx/small-resnet.onnx" "$root/sample-backbone2" --seeds "$n" "$@"
      sweep fair-v2-r-form "$sample" "$sample/backbone.zip" "$root/sample" --seeds "$n" "$@"
      sweep fair-v2-r-capacity "$sample" "$sample/backbone.zip" "$root/sample" --seeds "$n" "$@"
      sweep fair-v2-r-soft "$sample" "$sample/backbone.zip" "$root/sample-soft" --seeds "$n" "$@"
      sweep fair-v2-r-conv2d "$sample" "$sample/backbone.zip" "$root/sample-conv2d" --seeds "$n" "$@"
    done
    ;;
  full)
    idx=/usr/share/datasets/fashion-mnist
    data="$root/fashion-mnist-full-data"
    if [ ! -f "$data/.imported" ]; then
      if [ ! -f "$idx/train-images-idx3-ubyte.gz" ]; then
        echo "The IDX files are missing from $idx: apt-get install dataset-fashion-mnist" >&2
        exit 1
      fi
      # A stopped import leaves a partial folder, which import-idx refuses to write into: start it again.
      rm -rf "$data"
      stamp "import start"
      "${run[@]}" data import-idx -q \
        --images "$idx/train-images-idx3-ubyte.gz" --labels "$idx/train-labels-idx1-ubyte.gz" \
        --test-images "$idx/t10k-images-idx3-ubyte.gz" --test-labels "$idx/t10k-labels-idx1-ubyte.gz" \
        --out "$data" --train-per-class 5400 --valid-per-class 600 --test-per-class 1000 --pad-to 32 --seed 42
      touch "$data/.imported"
      stamp "import end"
    fi
    for n in ${SEEDS:-2 3}; do
      sweep fair-v2-fashion-mnist-reduced "$data" "$sample/backbone.zip" "$root/fashion-mnist-full-reduced" \
          --seeds "$n" "$@"
    done
    ;;
  *) echo "unknown chain '$chain': use sample or full" >&2; exit 2 ;;
esac
