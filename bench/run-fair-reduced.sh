#!/usr/bin/env bash
# The reduced fair test of issue 17 (report v2, "what ran in session 3"): what a 2-core machine shared by six
# sessions can finish in an afternoon. Each part is resumable (stored trials are reused; run it again after a stop):
#   bench/run-fair-reduced.sh sample [AXIS...] [--threads 2]  the axes stage 1 left out, each against stage 1's base
#       at training margins -0.02, 0.05, 0.2 (bench/sweeps/fair-v2-r-AXIS.json), seeds 1-2 first, then seed 3 where
#       time allows. AXIS: backbone2 (a second backbone, the ONNX fixture), form (multiplicative), capacity (the
#       wide conv1d branch), soft (soft survivor weighting), conv2d (the Conv2D baseline); all five by default, one
#       after the other. Each axis has its own sweep folder, so several can run at once; stage 1's stored trials
#       (bench/run-fair-sweep.sh stage1, in target/fair-sweep/sample) are copied in first, so its configurations
#       are not trained again;
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
    axes=()
    while [ $# -gt 0 ] && [[ "$1" != -* ]]; do
      axes+=("$1")
      shift
    done
    [ ${#axes[@]} -gt 0 ] || axes=(backbone2 form capacity soft conv2d)
    for n in ${SEEDS:-2 3}; do
      for axis in "${axes[@]}"; do
        [ -f "bench/sweeps/fair-v2-r-$axis.json" ] || { echo "unknown axis '$axis'" >&2; exit 2; }
        backbone="$sample/backbone.zip"
        if [ "$axis" = backbone2 ]; then
          backbone="$sample/onnx/small-resnet.onnx"
        elif [ -f "$root/sample/sweep.json" ] && [ ! -f "$root/sample-$axis/sweep.json" ]; then
          # The manifest too (it names the dataset and backbone they were trained on, and stage 1's sessions):
          # a folder with results but no manifest is refused.
          mkdir -p "$root/sample-$axis/results"
          cp "$root/sample/sweep.json" "$root/sample-$axis/"
          cp "$root/sample/results/"*.json "$root/sample-$axis/results/"
        fi
        sweep "fair-v2-r-$axis" "$sample" "$backbone" "$root/sample-$axis" --seeds "$n" "$@"
      done
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
