#!/usr/bin/env bash
# ONNX export against today's DL4J predictor (issue 16). Builds the benchmarks (Maven profile -Pbench), trains a run
# on the sample unless --run is given (EarlyExitBenchmark --prepare: three boosted exits, CPM margin 0), exports its
# cascade as a zip and as ONNX in both shapes (timed), and times every test image at batch 1 through the DL4J
# predictor, ONNX Runtime's segments and cascade.onnx, and both engines' whole backbones, interleaved; first with one
# thread, then with two (DL4J reads OMP_NUM_THREADS when ND4J loads; ONNX Runtime gets --threads).
#   bench/run-onnx-export-bench.sh [--run FOLDER] [--mode M] [--limit N] [--warmup N] [--repeats N]
# Reports: target/bench/onnx-export-<run>-<mode>-<threads>t.json
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
java_bench() {
    local main=$1
    shift
    java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
        -cp "target/classes:$(cat target/bench-classpath.txt)" "org.exitbench.bench.$main" "$@"
}
args=("$@")
if [[ " ${args[*]-} " != *" --run "* ]]; then
    run=$(OMP_NUM_THREADS=1 java_bench EarlyExitBenchmark --prepare | tail -n 1)
    args+=(--run "$run")
fi
for threads in 1 2; do
    OMP_NUM_THREADS=$threads java_bench OnnxExportBenchmark "${args[@]}" --threads "$threads"
    echo
done
