#!/usr/bin/env bash
# Builds the benchmarks (Maven profile -Pbench) and times training + calibration of three boosted branches on the
# sample's feature cache (goal < 10 s).
#   THREADS=1 bench/run-branch-bench.sh [--backbone FILE] [--sample DIR] [--repeats N] [--filters N --kernel K --updates U]
# THREADS (default 1) sets OMP_NUM_THREADS, which ND4J reads when it loads: branch networks are too small to gain
# from more threads, and on a busy machine more threads wait on each other. The first run builds the feature cache
# of the shipped sample backbone (about a minute); it is kept in target/bench-workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
export OMP_NUM_THREADS="${THREADS:-1}"
exec java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
    -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.BranchTrainingBenchmark "$@"
