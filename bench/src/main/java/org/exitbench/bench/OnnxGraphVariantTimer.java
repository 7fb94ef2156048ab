package org.exitbench.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.exitbench.cascade.CostModel;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.SpeedupMeasurement;
import org.exitbench.deploy.onnx.OnnxCascade;
import org.exitbench.deploy.onnx.OnnxEarlyExitPredictor;
import org.exitbench.model.onnx.OnnxRuntimeSessions;

/**
 * Issue 16's batch-1 overhead study: times variants of a one-file export's graphs against its {@code backbone.onnx},
 * on the same test images, in blocks of 25 images that take turns (so load and cache state hit every variant alike),
 * in the calling thread's CPU time at one thread. ONNX Runtime's own profiler is no use here: it inflates kernels of a
 * few microseconds several-fold (the sample's cascade took 1.4 ms a call profiled, 0.25 ms not).
 *
 * <p>The variants come from {@code bench/pytorch/onnx_exit_variants.py}: cascades rewritten (their name contains
 * "cascade": they must give every image the export's exit and class, which is checked), and plain graphs (any other
 * name: timed on every image). With {@code --prefixes DIR} the "oracle" is timed too: each image runs the backbone
 * only up to the exit it takes, plus one global pooling ({@code DIR/prefix<k>.onnx}; the whole backbone for the
 * head): what a cascade would cost with exits that cost nothing.
 *
 * <p>{@code --exit K} (0-based, K = the number of exits for the head) times only the images that leave at exit K:
 * with every image leaving at the same place, no image runs with another exit's weights in the caches.
 *
 * <p>Usage: {@code OnnxGraphVariantTimer --export FOLDER [--limit N] [--repeats N] [--prefixes DIR] [--exit K]
 * [VARIANT.onnx …]}.
 * Prints, per model, the mean CPU milliseconds (and per exit taken) and backbone ÷ model ÷ theoretical speedup.
 */
public final class OnnxGraphVariantTimer {

    private static final int BLOCK = 25;

    private OnnxGraphVariantTimer() {
    }

    /** A timed model: a session, whether it is a cascade (reads exit and class), and its label. */
    private record Model(String label, OrtSession session, String input, boolean cascade) {
    }

    public static void main(String[] args) throws IOException, OrtException {
        Path export = null;
        int limit = 600;
        int repeats = 3;
        Path prefixes = null;
        int onlyExit = -1;
        List<Path> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--export" -> export = Path.of(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--prefixes" -> prefixes = Path.of(args[++i]);
                case "--exit" -> onlyExit = Integer.parseInt(args[++i]);
                default -> variants.add(Path.of(args[i]));
            }
        }
        if (export == null) {
            throw new IllegalArgumentException("--export FOLDER (a one-file ONNX export) is required");
        }
        OnnxCascade cascade = OnnxCascade.load(export);
        int c = cascade.manifest().inputChannels();
        int h = cascade.manifest().inputHeight();
        int w = cascade.manifest().inputWidth();
        ImageDataset test = DatasetReaders.read(Path.of(cascade.manifest().provenance().dataset())).split(Split.TEST);
        int n = Math.min(limit, test.size());
        test = test.subset(SpeedupMeasurement.evenlySpaced(test.size(), n));
        float[][] pixels = new float[n][];
        for (int i = 0; i < n; i++) {
            pixels[i] = OnnxEarlyExitPredictor.pixels(test, i, 1, c, h, w);
        }
        long[] shape = {1, c, h, w};
        List<Model> models = new ArrayList<>();
        models.add(open("backbone.onnx", export.resolve(cascade.manifest().backbone()), false));
        models.add(open("cascade.onnx", export.resolve(cascade.manifest().cascade()), true));
        for (Path v : variants) {
            models.add(open(v.getFileName().toString(), v, v.getFileName().toString().contains("cascade")));
        }
        int exits = cascade.exitCount();
        Model[] prefix = new Model[exits];
        if (prefixes != null) {
            for (int k = 0; k < exits; k++) {
                prefix[k] = open("prefix" + (k + 1), prefixes.resolve("prefix" + (k + 1) + ".onnx"), false);
            }
        }
        int paths = models.size() + (prefixes != null ? 1 : 0);

        int[] exitOf = new int[n];
        int[] classOf = new int[n];
        for (int i = 0; i < n; i++) {
            long[] answer = run(models.get(1), pixels[i], shape);
            exitOf[i] = (int) answer[0];
            classOf[i] = (int) answer[1];
        }
        if (onlyExit >= 0) {
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (exitOf[i] == onlyExit) {
                    pixels[kept] = pixels[i];
                    exitOf[kept] = exitOf[i];
                    classOf[kept++] = classOf[i];
                }
            }
            n = kept;
        }
        int[] disagree = new int[paths];
        for (int m = 2; m < models.size(); m++) {
            if (models.get(m).cascade()) {
                for (int i = 0; i < n; i++) {
                    long[] answer = run(models.get(m), pixels[i], shape);
                    disagree[m] += answer[0] != exitOf[i] || answer[1] != classOf[i] ? 1 : 0;
                }
            }
        }
        CostModel costs = cascade.costModel();
        double macs = 0;
        int[] taken = new int[exits + 1];
        for (int i = 0; i < n; i++) {
            macs += costs.costOfExit(exitOf[i]);
            taken[exitOf[i]]++;
        }
        double theoretical = costs.fullBackboneMacs() / (macs / n);

        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < Math.min(n, 150); i++) {
            for (int p = 0; p < paths; p++) {
                call(p, models, prefix, pixels[i], shape, exitOf[i]);
            }
        }
        double[] total = new double[paths];
        double[][] byExit = new double[paths][exits + 1];
        for (int r = 0; r < repeats; r++) {
            for (int from = 0, b = 0; from < n; from += BLOCK, b++) {
                for (int turn = 0; turn < paths; turn++) {
                    int p = (turn + b) % paths;
                    for (int i = from; i < Math.min(n, from + BLOCK); i++) {
                        long c0 = cpu.getCurrentThreadCpuTime();
                        call(p, models, prefix, pixels[i], shape, exitOf[i]);
                        long d = cpu.getCurrentThreadCpuTime() - c0;
                        total[p] += d;
                        byExit[p][exitOf[i]] += d;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d test images x %d, exits taken %s, theoretical speedup %.3f, load %s%n",
                export, n, repeats, Arrays.toString(taken), theoretical, OnnxExportBenchmark.loadAverage());
        for (int p = 0; p < paths; p++) {
            String label = p < models.size() ? models.get(p).label() : "oracle (prefix + pooling)";
            StringBuilder perExit = new StringBuilder();
            for (int e = 0; e <= exits; e++) {
                perExit.append(String.format(Locale.ROOT, " %.4f", taken[e] == 0 ? 0 : byExit[p][e] / 1e6 / taken[e]
                        / repeats));
            }
            System.out.printf(Locale.ROOT, "%-32s CPU %.4f ms  measured/theoretical %.3f  disagree %d  by exit:%s%n",
                    label, total[p] / 1e6 / n / repeats, total[0] / total[p] / theoretical, disagree[p], perExit);
        }
    }

    private static Model open(String label, Path file, boolean cascade) throws IOException, OrtException {
        OrtSession session = OnnxRuntimeSessions.open(Files.readAllBytes(file), 1);
        return new Model(label, session, session.getInputNames().iterator().next(), cascade);
    }

    private static void call(int p, List<Model> models, Model[] prefix, float[] pixels, long[] shape, int exit)
            throws OrtException {
        if (p < models.size()) {
            run(models.get(p), pixels, shape);
        } else {
            run(exit == prefix.length ? models.get(0) : prefix[exit], pixels, shape);
        }
    }

    /** One call as the predictor makes it: a direct input buffer, only the outputs read; a cascade's exit and class. */
    private static long[] run(Model m, float[] pixels, long[] shape) throws OrtException {
        FloatBuffer buffer = ByteBuffer.allocateDirect(pixels.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(pixels).rewind();
        Set<String> outputs = m.cascade() ? Set.of("exit", "class")
                : Set.of(m.session().getOutputNames().iterator().next());
        try (OnnxTensor x = OnnxTensor.createTensor(OnnxRuntimeSessions.environment(), buffer, shape);
             OrtSession.Result result = m.session().run(Map.of(m.input(), x), outputs)) {
            if (!m.cascade()) {
                return null;
            }
            return new long[] {((OnnxTensor) result.get("exit").orElseThrow()).getLongBuffer().get(0),
                ((OnnxTensor) result.get("class").orElseThrow()).getLongBuffer().get(0)};
        }
    }
}
