#!/usr/bin/env bash
# DL4J against PyTorch on this machine, in one run: the same two networks (ResNet-18 CIFAR and the small ResNet
# 16/32/64, 3x32x32, 10 classes), the same figures (training at batch 64 with Adam; feature extraction at batch
# 256 and batch 1), at 1 thread and at all cores. See docs/performance.md.
#
#   bench/run-peer-bench.sh [--seconds S] [--rounds R] [--threads "1 N"] [--networks resnet18,small] [--levers]
#
# It first checks that both engines build networks with the same parameter count and MACs (and stops if not),
# then, per thread count and round, runs the DL4J benchmark and right after it the PyTorch one, and finally
# prints the DL4J / PyTorch ratio of every figure (best round per engine) and writes
# target/peer-bench/<time>/results.{json,csv} (target/peer-bench/latest points to the newest run).
#
# Threads: OMP_NUM_THREADS is set for each process. ND4J reads it once when it loads and uses it both for its own
# loops and for oneDNN's OpenMP pool; Nd4j.getEnvironment().setMaxThreads() afterwards changes neither. PyTorch
# gets torch.set_num_threads() as well.
#
# PyTorch: Debian's python3-torch (apt-get install python3-torch), run by /usr/bin/python3 (set PYTHON to use
# another interpreter). Debian links it against the reference BLAS, which makes its batch-1 figures several times
# slower than with OpenBLAS; for a fair peer this script puts OpenBLAS first on PyTorch's library path when it
# finds it: apt-get install libopenblas0-openmp, or set PYTORCH_BLAS_DIR to a folder holding an OpenBLAS
# libblas.so.3 (e.g. extracted with `apt-get download libopenblas0-openmp; dpkg-deb -x ...`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=4
rounds=2
threads="1 $(nproc)"
networks=resnet18,small
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --networks) networks="$2"; shift 2 ;;
        --levers) extra+=(--levers); shift ;;
        *) echo "unknown option $1 (options: --seconds S, --rounds R, --threads \"1 N\", --networks LIST, --levers)" >&2
           exit 2 ;;
    esac
done

python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "PyTorch is not importable by $python: apt-get install python3-torch, or set PYTHON to an interpreter" \
         "that has torch" >&2
    exit 1
fi
blas_dir="${PYTORCH_BLAS_DIR:-}"
if [[ -z "$blas_dir" ]]; then
    for candidate in /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/x86_64-linux-gnu/openblas-pthread; do
        if [[ -e "$candidate/libblas.so.3" ]]; then blas_dir="$candidate"; break; fi
    done
fi
if [[ -z "$blas_dir" ]]; then
    echo "warning: no OpenBLAS found; PyTorch uses the reference BLAS and its batch-1 figures will be low" \
         "(apt-get install libopenblas0-openmp, or set PYTORCH_BLAS_DIR)" >&2
fi

mvn -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
out="target/peer-bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
ln -sfn "$(basename "$out")" target/peer-bench/latest
java_cmd=(java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false
          -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.PeerBenchmark)
torch_cmd=(env LD_LIBRARY_PATH="${blas_dir}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$python" bench/pytorch/peer_bench.py)

# Runs the DL4J benchmark with its log (DL4J's INFO lines) in a file, shown only when it fails.
run_dl4j() {
    local log="$1"; shift
    if ! "${java_cmd[@]}" "$@" 2>"$log" | grep --line-buffered '^dl4j'; then
        echo "the DL4J benchmark failed; the end of $log:" >&2
        tail -n 25 "$log" >&2
        exit 1
    fi
}

echo "== parameter and MAC counts"
OMP_NUM_THREADS=1 run_dl4j "$out/dl4j-describe.log" --describe --threads 1 --networks "$networks" \
    --json "$out/dl4j-describe.json"
OMP_NUM_THREADS=1 "${torch_cmd[@]}" --describe --networks "$networks" --json "$out/pytorch-describe.json"
"$python" bench/pytorch/compare_peer.py --check "$out"

for t in $threads; do
    for r in $(seq 1 "$rounds"); do
        echo "== $t thread(s), round $r of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        OMP_NUM_THREADS="$t" run_dl4j "$out/dl4j-t$t-r$r.log" --threads "$t" --seconds "$seconds" \
            --networks "$networks" "${extra[@]}" --json "$out/dl4j-t$t-r$r.json"
        OMP_NUM_THREADS="$t" "${torch_cmd[@]}" --threads "$t" --seconds "$seconds" --networks "$networks" \
            --json "$out/pytorch-t$t-r$r.json"
    done
done
echo
"$python" bench/pytorch/compare_peer.py "$out"
