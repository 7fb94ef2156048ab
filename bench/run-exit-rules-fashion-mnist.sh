#!/usr/bin/env bash
# Issue 20 on the full Fashion-MNIST (70,000 images): the exit-rule study of bench/run-exit-rules.sh on the dataset
# and seed-42 backbone of bench/run-fair-fashion-mnist.sh (same import, same backbone recipe, same folder, so either
# script reuses what the other made). Resumable: run it again after a stop.
#   1. import Debian's dataset-fashion-mnist IDX files (apt-get install dataset-fashion-mnist): 5,400 train / 600
#      validation images per class, the 1,000 test images per class, padded to 32 × 32;
#   2. the backbone (the sample's small ResNet recipe, 40 epochs, checkpointed every epoch): hours on 2 cores;
#   3. three runs (seeds 1-3) under the fair protocol with bench/exit-rules/run-config.json, as on the sample;
#   4. exitbench exit-rules over those runs: every rule against the oracle ceiling, with paired statistics.
# Usage: bench/run-exit-rules-fashion-mnist.sh   (environment: ROOT, default target/fashion-mnist-full)
set -euo pipefail
cd "$(dirname "$0")/.."
idx=/usr/share/datasets/fashion-mnist
root="${ROOT:-target/fashion-mnist-full}"
data="$root/data"
model="$root/backbone-seed42.zip"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$root"
stamp() { echo "$(date -u +%FT%TZ) $*, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$root/timing.log" >&2; }
if [ ! -f "$data/.imported" ]; then
  rm -rf "$data"
  stamp "import start"
  scripts/exitbench data import-idx \
    --images "$idx/train-images-idx3-ubyte.gz" --labels "$idx/train-labels-idx1-ubyte.gz" \
    --test-images "$idx/t10k-images-idx3-ubyte.gz" --test-labels "$idx/t10k-labels-idx1-ubyte.gz" \
    --out "$data" --train-per-class 5400 --valid-per-class 600 --test-per-class 1000 --pad-to 32 --seed 42
  touch "$data/.imported"
  stamp "import end"
fi
if [ ! -f "$model" ]; then
  checkpoints="$root/backbone-seed42-checkpoints"
  resume=()
  if [ -d "$checkpoints" ] && [ -n "$(ls -A "$checkpoints" 2>/dev/null)" ]; then
    resume=(--resume)
  fi
  stamp "backbone seed 42 start"
  scripts/exitbench backbone train --data "$data" --arch small --widths 16,32,64,128 --blocks 1,1,1,1 \
    --epochs 40 --batch 64 --optimizer sgd --lr 0.05 --schedule cosine --weight-decay 5e-4 --patience 0 \
    --crop-padding 2 --flip --seed 42 --checkpoint-dir "$checkpoints" "${resume[@]}" --out "$model"
  stamp "backbone seed 42 end"
fi
ws="$root/exit-rules-ws"
mkdir -p "$ws"
for seed in 1 2 3; do
  if [ -f "$ws/.seed$seed-done" ]; then
    continue
  fi
  config="$ws/run-config-seed$seed.json"
  sed "s/^}$/  ,\"seed\": $seed\n}/" bench/exit-rules/run-config.json > "$config"
  stamp "exit rules: run seed $seed start"
  scripts/exitbench run --config "$config" --data "$data" --backbone "$model" --workspace "$ws" -q
  touch "$ws/.seed$seed-done"
  stamp "exit rules: run seed $seed end"
done
stamp "exit-rules start"
scripts/exitbench exit-rules --workspace "$ws" --out "$root/exit-rules"
stamp "exit-rules end"
