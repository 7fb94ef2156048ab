#!/usr/bin/env bash
# The ONNX export's batch-1 speedup on a backbone of the paper's size (issue 16): a ResNet-18 (CIFAR layout, 1x32x32,
# 0.56 G MACs) trained briefly in PyTorch on the sample (bench/pytorch/train_resnet18.py), imported with `exitbench
# backbone import` (default exits: the three stage ends that split the MACs most evenly), a boosted run with CPM
# thresholds, exported in both ONNX shapes, and each shape timed against its backbone.onnx by `exitbench speedup`
# (blocks of images alternating between the two, thread CPU time at one thread), at 1 and 2 threads.
# Everything is written under target/resnet18 (the ONNX files are ~45 MB each: never commit them).
#   bench/run-onnx-resnet18-bench.sh [--limit N] [--repeats N]
# Reports: target/bench/onnx-resnet18-<shape>-<threads>t.txt; each step is skipped when its output exists.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=600
repeats=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --limit) limit="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        *) echo "unknown option $1 (options: --limit N, --repeats N)" >&2; exit 2 ;;
    esac
done
out=target/resnet18
data=sample-data/fashion-mnist
export OMP_NUM_THREADS=1
if [[ ! -f $out/resnet18.onnx ]]; then
    /usr/bin/python3 bench/pytorch/train_resnet18.py --data $data --out $out
fi
if [[ ! -f $out/resnet18-backbone.onnx ]]; then
    scripts/exitbench backbone import $out/resnet18.onnx --data $data --out $out/resnet18-backbone.onnx
fi
if ! ls -d $out/workspace/runs/* >/dev/null 2>&1; then
    # A one-epoch backbone is unsure of itself: the default margin sends 97 % of the images out at exit 1 losing 9.7
    # points; -0.015 is the margin the run itself proposes for the 2-point budget.
    scripts/exitbench run --data $data --backbone $out/resnet18-backbone.onnx --modes boosted --margin -0.015 \
        --workspace $out/workspace
fi
run=$(ls -d $out/workspace/runs/* | tail -n 1)
for shape in onnx onnx-single; do
    if [[ ! -d $out/export-$shape ]]; then
        scripts/exitbench export --run "$run" --mode boosted --format $shape --out $out/export-$shape
    fi
done
mkdir -p target/bench
for threads in 1 2; do
    for shape in onnx-single onnx; do
        echo "== $shape, $threads thread(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
        OMP_NUM_THREADS=$threads scripts/exitbench speedup --model $out/export-$shape --data $data \
            --threads "$threads" --limit "$limit" --repeats "$repeats" --quiet | tee target/bench/onnx-resnet18-$shape-${threads}t.txt
    done
done
