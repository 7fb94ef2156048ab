#!/usr/bin/env bash
# Builds the backbone benchmark (Maven profile -Pbench) and runs it on the runtime class path.
#   THREADS=1 bench/run-backbone-bench.sh [--seconds S] [--sample DIR] [--skip-resnet18]
# THREADS (default 1) sets OMP_NUM_THREADS, which ND4J reads when it loads. oneDNN helpers are switched on as in
# the app (Dl4jEngine); the output says whether they are active.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
export OMP_NUM_THREADS="${THREADS:-1}"
exec java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
    -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.BackboneBenchmark "$@"
