#!/usr/bin/env bash
# Builds the benchmarks (Maven profile -Pbench) and times the cascade engine:
# CascadeEvaluator on 90,000 samples × 3 exits × 10 classes of synthetic scores, a slider update, and CPM
# calibration. Optional arguments: samples exits classes (defaults 90000 3 10).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec java -Xmx2g -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.CascadeBenchmark "$@"
