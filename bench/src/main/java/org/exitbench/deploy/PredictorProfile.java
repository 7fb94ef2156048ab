package org.exitbench.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where the time of one batch-1 prediction goes: interleaved medians of the whole backbone, the segments chained,
 * segment 1 alone, the predictor on a test image that leaves at exit 1 and on one that reaches the head, and the
 * ND4J read-outs of exit 1's map. The profile behind docs/results/measured-speedup.md; it sits in this package to
 * reach the predictor's parts. Arguments: {@code <cascade.zip> <calls per step>}; run from the repository root
 * (it reads the sample's test split) with OMP_NUM_THREADS=1, classpath as in bench/run-early-exit-bench.sh.
 */
public final class PredictorProfile {

    private static final int WARM_UP = 300;

    private PredictorProfile() {
    }

    public static void main(String[] args) {
        EarlyExitPredictor predictor = EarlyExitPredictor.load(Path.of(args[0]));
        int calls = Integer.parseInt(args[1]);
        ImageDataset test = DatasetReaders.read(Path.of("sample-data", "fashion-mnist")).split(Split.TEST);
        int exits = predictor.cascade().exitCount();
        INDArray early = predictor.normalise(test, firstLeavingAt(predictor, test, 0), 1);
        INDArray late = predictor.normalise(test, firstLeavingAt(predictor, test, exits), 1);
        ComputationGraph full = predictor.cascade().fullBackbone();
        List<ComputationGraph> segments = predictor.cascade().segments().stream().map(ComputationGraph::clone)
                .toList();
        INDArray map = segments.get(0).outputSingle(false, early);

        Map<String, Supplier<Object>> steps = new LinkedHashMap<>();
        steps.put("whole backbone", () -> full.outputSingle(false, early));
        steps.put("segments chained", () -> {
            INDArray current = early;
            for (ComputationGraph segment : segments) {
                current = segment.outputSingle(false, current);
            }
            return current;
        });
        steps.put("segment 1", () -> segments.get(0).outputSingle(false, early));
        steps.put("predict, leaves at exit 1", () -> predictor.predict(early));
        steps.put("predict, reaches the head", () -> predictor.predict(late));
        steps.put("map.dup('c').data().asFloat()", () -> map.dup('c').data().asFloat());
        steps.put("map.data().asFloat()", () -> map.data().asFloat());
        steps.put("map.permute(0,3,1,2).dup('c').data().asFloat()",
                () -> map.permute(0, 3, 1, 2).dup('c').data().asFloat());

        List<Supplier<Object>> runs = new ArrayList<>(steps.values());
        for (int w = 0; w < WARM_UP; w++) {
            runs.forEach(Supplier::get);
        }
        // Round-robin, so that load from other processes falls on every step alike.
        long[][] nanos = new long[runs.size()][calls];
        for (int i = 0; i < calls; i++) {
            for (int s = 0; s < runs.size(); s++) {
                long started = System.nanoTime();
                runs.get(s).get();
                nanos[s][i] = System.nanoTime() - started;
            }
        }
        int s = 0;
        for (String name : steps.keySet()) {
            Arrays.sort(nanos[s]);
            System.out.printf(Locale.ROOT, "%-50s median %8.1f us  p25 %8.1f us%n", name, nanos[s][calls / 2] / 1e3,
                    nanos[s][calls / 4] / 1e3);
            s++;
        }
    }

    private static int firstLeavingAt(EarlyExitPredictor predictor, ImageDataset images, int exit) {
        for (int i = 0; i < images.size(); i++) {
            if (predictor.predict(images, i).exit() == exit) {
                return i;
            }
        }
        throw new IllegalStateException("no test image leaves at exit " + exit);
    }
}
