#!/usr/bin/env bash
# Process memory over a long run as the app does it: the sample's full feature cache with the small ResNet, then
# ten training epochs of that backbone; prints RSS per phase and epoch, the peak and the growth per epoch, and
# writes target/memory-bench.json. Takes about 10 to 20 minutes on 2 cores.
#   bench/run-memory-bench.sh [--epochs N] [--sample DIR]
# Same JVM options as the app (-Xmx2g, oneDNN helpers on); threads: OMP_NUM_THREADS, default all cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
exec java -Xmx2g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
    -cp "target/classes:$(cat target/bench-classpath.txt)" org.exitbench.bench.MemoryRunBenchmark \
    --json target/memory-bench.json "$@"
