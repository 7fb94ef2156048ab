package org.exitbench.bench;

import java.nio.file.Path;
import java.util.Locale;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.data.DatasetReaders;
import org.exitbench.model.Backbone;
import org.exitbench.model.BackboneFeatures;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Feature extraction through ONNX Runtime against DL4J for the same small ResNet (widths 16/32/64/128, 1×32×32, 10
 * classes, exits after stages 1–3): the sample's ONNX fixture (trained in PyTorch) and its shipped DL4J backbone.
 * Both go through the same {@link BackboneFeatures} call the feature cache makes: the pooled maps at the three
 * exits plus the logits, for images of the sample's test split, at batch 256 and batch 1. Prints one line per figure
 * ("engine network figure img/s"); bench/run-onnx-bench.sh adds PyTorch (traced and frozen) and the ratios.
 *
 * <p>Options: {@code --seconds S} (default 4), {@code --threads N} (ONNX Runtime's intra-op threads; DL4J follows
 * OMP_NUM_THREADS, which the script sets to the same number), {@code --sample DIR}.
 */
public final class OnnxExtractionBenchmark {

    private OnnxExtractionBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = 4;
        int threads = 1;
        Path sample = Path.of("sample-data", "fashion-mnist");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--sample" -> sample = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --seconds S, --threads N, --sample DIR)");
            }
        }
        ImageDataset test = DatasetReaders.read(sample).split(Split.TEST);
        Dl4jEngine.initialize();
        Backbone onnx = OnnxBackbone.load(sample.resolve("onnx").resolve("small-resnet.onnx"));
        Backbone dl4j = BackboneFile.load(sample.resolve("backbone.zip"), false);
        // Interleaved per figure, so a change in the machine's load hits both engines alike.
        for (int batch : new int[] {256, 1}) {
            ImageDataset images = test.subset(range(batch == 1 ? 64 : 1024));
            for (Backbone backbone : new Backbone[] {onnx, dl4j}) {
                String engine = backbone instanceof OnnxBackbone ? "onnxruntime" : "dl4j";
                try (BackboneFeatures features = backbone.features(FeaturePooling.GLOBAL_AVERAGE, batch, threads)) {
                    Runnable pass = () -> features.extract(images, ProgressListener.NONE, CancellationToken.NEVER);
                    pass.run();
                    double[] t = measure(seconds, images.size(), pass);
                    System.out.printf(Locale.ROOT, "%-12s small extract_b%-4d %10.1f img/s  (%.1f img per CPU s)%n",
                            engine, batch, t[0], t[1]);
                }
            }
        }
    }

    /**
     * PeerBenchmark's protocol (kept here so this benchmark stands alone): blocks of at least 0.5 s until
     * {@code seconds} have passed and at least three blocks ran; the best block's images/s by the wall clock and by
     * process CPU time.
     */
    static double[] measure(double seconds, int imagesPerOperation, Runnable operation) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double bestWall = 0;
        double bestCpu = 0;
        int blocks = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        while (blocks < 3 || System.nanoTime() < end) {
            long wall0 = System.nanoTime();
            long cpu0 = os.getProcessCpuTime();
            long blockEnd = wall0 + 500_000_000L;
            int count = 0;
            while (count == 0 || System.nanoTime() < blockEnd) {
                operation.run();
                count++;
            }
            double images = (double) count * imagesPerOperation;
            bestWall = Math.max(bestWall, images / ((System.nanoTime() - wall0) / 1e9));
            bestCpu = Math.max(bestCpu, images / (Math.max(1, os.getProcessCpuTime() - cpu0) / 1e9));
            blocks++;
        }
        return new double[] {bestWall, bestCpu};
    }

    private static int[] range(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
