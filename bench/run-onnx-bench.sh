#!/usr/bin/env bash
# Feature extraction of the same small ResNet (16/32/64/128, 1x32x32) through ONNX Runtime (the sample's ONNX
# fixture), DL4J (its shipped backbone.zip, oneDNN helpers on) and PyTorch traced + frozen (the strongest PyTorch CPU
# setting), at one thread each, one run, engines interleaved: batch 256 and batch 1, the pooled maps at three exits
# plus the logits per image. Prints each figure and the ratios to ONNX Runtime. See docs/performance.md.
#
#   bench/run-onnx-bench.sh [--seconds S] [--threads N]
#
# PyTorch: Debian's python3-torch, run by /usr/bin/python3 (set PYTHON for another). With OpenBLAS installed
# (libopenblas0-openmp) it is put first on PyTorch's library path, as in run-peer-bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=4
threads=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        *) echo "unknown option $1 (options: --seconds S, --threads N)" >&2; exit 2 ;;
    esac
done
python="${PYTHON:-/usr/bin/python3}"
blas_dir=""
for candidate in /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/x86_64-linux-gnu/openblas-pthread; do
    if [[ -e "$candidate/libblas.so.3" ]]; then blas_dir="$candidate"; break; fi
done
mvn -B -q -o -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
out="$(mktemp -t onnx-bench.XXXXXX)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
OMP_NUM_THREADS="$threads" java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
    -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.OnnxExtractionBenchmark \
    --seconds "$seconds" --threads "$threads" 2>"$out.log" | tee "$out"
OMP_NUM_THREADS="$threads" LD_LIBRARY_PATH="${blas_dir}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$python" bench/pytorch/extraction_bench.py --seconds "$seconds" --threads "$threads" | tee -a "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== throughput relative to ONNX Runtime (> 1 = faster than ONNX Runtime): wall clock, and per CPU second"
echo "   (the CPU figure ignores time spent waiting for a core on a shared machine)"
awk '{ key = $3; v[$1 " " key] = $4; c[$1 " " key] = substr($6, 2); keys[key] = 1; engines[$1] = 1 }
     END { for (k in keys) for (e in engines) if (e != "onnxruntime" && (e " " k) in v)
             printf "%-15s %-13s wall %6.2f   cpu %6.2f\n", e, k, v[e " " k] / v["onnxruntime " k],
                    c[e " " k] / c["onnxruntime " k] }' "$out" | sort
