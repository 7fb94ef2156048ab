#!/usr/bin/env bash
# Measured against theoretical speedup of real early exits (issue 8). Builds the benchmarks (Maven profile -Pbench),
# trains a run on the sample unless --run is given (three boosted exits, CPM margin 0; the feature cache is kept in
# target/bench-workspace), exports its cascade, and times the test split at batch 1 through the whole backbone and
# through the cascade, first with one thread, then with all cores (ND4J reads OMP_NUM_THREADS when it loads).
#   bench/run-early-exit-bench.sh [--run FOLDER] [--mode M] [--repeats N] [--warmup N] [--config FILE]
# Reports: target/bench/early-exit-<run>-<mode>-<threads>t.json; summary: <run folder>/speedup.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
bench() {
    java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
        -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.EarlyExitBenchmark "$@"
}
args=("$@")
if [[ " ${args[*]-} " != *" --run "* ]]; then
    run=$(OMP_NUM_THREADS=1 bench --prepare "${args[@]}" | tail -n 1)
    args+=(--run "$run")
fi
OMP_NUM_THREADS=1 bench "${args[@]}"
echo
OMP_NUM_THREADS="$(nproc)" bench "${args[@]}"
