#!/usr/bin/env bash
# The fair test of issue 17 on the full Fashion-MNIST (70,000 images), an overnight run. Every step is resumable:
# run the script again after a stop (Ctrl-C, SIGTERM, a reboot) and it continues where it was.
#   1. import: Debian's dataset-fashion-mnist IDX files (apt-get install dataset-fashion-mnist) into an
#      ImageFolder dataset under target/ (never committed): 5,400 train / 600 validation images per class from the
#      60,000 training images, the 1,000 test images per class, padded to 32 × 32 like the sample; skipped when
#      the folder is complete;
#   2. two backbones, the sample's small ResNet recipe (16/32/64/128 × 1/1/1/1, 40 epochs of SGD with cosine
#      schedule, crop and flip), seeds 42 and 43: each checkpoints every epoch and resumes;
#   3. the sweep bench/sweeps/fair-v2-fashion-mnist-full.json (the built-in fair-v2 grid with one pass over the
#      full training split per epoch for every branch) on each backbone, into its own sweep folder; trials already
#      stored are not trained again.
# On the 2-core machine of report v2 this is roughly a night per backbone; the reports (summary.md, report.html)
# are rewritten after every sweep session and can be read at any time with
#   scripts/exitbench sweep --out <folder> --report-only
# Usage: bench/run-fair-fashion-mnist.sh [--pytorch] [--threads N]   (environment: ROOT, default target/fashion-mnist-full)
# --pytorch: the afternoon variant (report v2, session 5) instead of steps 2 and 3: one backbone of the same
#   architecture trained on the full data in PyTorch (bench/pytorch/train_fixture.py, 8 epochs, about 35 minutes at
#   one thread on an idle core; /usr/bin/python3 with python3-torch and python3-onnx), imported as an ONNX backbone
#   with 'exitbench backbone import', and the sweep bench/sweeps/fair-v2-fashion-mnist-own.json on it (16-filter
#   conv1d and Conv2D branches, 3 training margins, 3 seeds, 5 passes over the training split per branch).
set -euo pipefail
cd "$(dirname "$0")/.."
pytorch=false
if [ "${1:-}" = --pytorch ]; then
  pytorch=true
  shift
fi
idx=/usr/share/datasets/fashion-mnist
root="${ROOT:-target/fashion-mnist-full}"
data="$root/data"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
if [ ! -f "$idx/train-images-idx3-ubyte.gz" ]; then
  echo "The IDX files are missing from $idx: apt-get install dataset-fashion-mnist" >&2
  exit 1
fi
mkdir -p "$root"
log="$root/timing.log"
stamp() { echo "$(date -u +%FT%TZ) $*, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log" >&2; }

if [ ! -f "$data/.imported" ]; then
  # A stopped import leaves a partial folder, which import-idx refuses to write into: start it again.
  rm -rf "$data"
  stamp "import start"
  scripts/exitbench data import-idx \
    --images "$idx/train-images-idx3-ubyte.gz" --labels "$idx/train-labels-idx1-ubyte.gz" \
    --test-images "$idx/t10k-images-idx3-ubyte.gz" --test-labels "$idx/t10k-labels-idx1-ubyte.gz" \
    --out "$data" --train-per-class 5400 --valid-per-class 600 --test-per-class 1000 --pad-to 32 --seed 42
  touch "$data/.imported"
  stamp "import end"
fi

if [ "$pytorch" = true ]; then
  onnx="$root/pytorch-backbone/small-resnet.onnx"
  if [ ! -f "$onnx" ]; then
    stamp "pytorch backbone start"
    OMP_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/train_fixture.py --data "$data" --out "$root/pytorch-backbone" \
      --epochs 8
    stamp "pytorch backbone end"
  fi
  model="$root/backbone-pytorch.onnx"
  if [ ! -f "$model" ]; then
    scripts/exitbench backbone import "$onnx" --data "$data" --out "$model"
  fi
  stamp "sweep on the pytorch backbone start"
  scripts/exitbench sweep --data "$data" --backbone "$model" --workspace "$root/workspace-pytorch" \
    --out "$root/sweep-backbone-pytorch" --definition bench/sweeps/fair-v2-fashion-mnist-own.json "$@"
  stamp "sweep on the pytorch backbone end"
  exit 0
fi

for seed in 42 43; do
  model="$root/backbone-seed$seed.zip"
  if [ ! -f "$model" ]; then
    checkpoints="$root/backbone-seed$seed-checkpoints"
    resume=()
    if [ -d "$checkpoints" ] && [ -n "$(ls -A "$checkpoints" 2>/dev/null)" ]; then
      resume=(--resume)
    fi
    stamp "backbone seed $seed start"
    scripts/exitbench backbone train --data "$data" --arch small --widths 16,32,64,128 --blocks 1,1,1,1 \
      --epochs 40 --batch 64 --optimizer sgd --lr 0.05 --schedule cosine --weight-decay 5e-4 --patience 0 \
      --crop-padding 2 --flip --seed "$seed" --checkpoint-dir "$checkpoints" "${resume[@]}" --out "$model"
    stamp "backbone seed $seed end"
  fi
done

for seed in 42 43; do
  stamp "sweep on backbone seed $seed start"
  scripts/exitbench sweep --data "$data" --backbone "$root/backbone-seed$seed.zip" \
    --workspace "$root/workspace-seed$seed" --out "$root/sweep-backbone-seed$seed" \
    --definition bench/sweeps/fair-v2-fashion-mnist-full.json "$@"
  stamp "sweep on backbone seed $seed end"
done
