#!/usr/bin/env bash
# Builds the benchmarks (Maven profile -Pbench) and times one threshold slider move in the app at
# 90,000 synthetic samples per split × 3 exits × 10 classes: the shared operating point alone, with the
# Calibration and Analysis view-models, and with the whole window under headless Monocle (every view updated,
# CSS and layout). Optional arguments: samples exits classes (defaults 90000 3 10), --no-toolkit.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile
# Test scope: Monocle (headless JavaFX) is a test dependency.
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-fx-classpath.txt >/dev/null
exec java -Xmx3g -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1600x1000-32 -Dprism.order=sw -Dprism.text=t2k \
    -cp "target/classes:$(cat target/bench-fx-classpath.txt)" org.exitbench.bench.OperatingPointBenchmark "$@"
