package org.exitbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetFormat;
import org.exitbench.data.DatasetMetadata;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.MacCounter;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures the backbones' speed on this machine: training and inference throughput (images/s) at batch 64 and
 * 256, latency at batch 1, and the wall time of a full feature-cache build of the sample (or of 15,000 generated
 * images when the sample is absent). Each figure runs for about {@code --seconds} after a warm-up, so a whole run
 * takes a few minutes, most of it ResNet-18 training. Run it with {@code bench/run-backbone-bench.sh}; the number
 * of threads is set by {@code OMP_NUM_THREADS} before ND4J loads.
 *
 * <p>Options: {@code --seconds S} (default 3), {@code --sample DIR} (default {@code sample-data/fashion-mnist}),
 * {@code --skip-resnet18}.
 */
public final class BackboneBenchmark {

    private static final long SEED = 1;

    private BackboneBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = 3;
        Path sample = Path.of("sample-data", "fashion-mnist");
        boolean resnet18 = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--sample" -> sample = Path.of(args[++i]);
                case "--skip-resnet18" -> resnet18 = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --seconds S, --sample DIR, --skip-resnet18)");
            }
        }
        Dl4jEngine.initialize();
        System.out.println("# Exitbench backbone benchmark");
        System.out.println("CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible");
        System.out.println("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        System.out.println("Threads: OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)")
                + ", ND4J max threads " + Nd4j.getEnvironment().maxThreads());
        System.out.println("Engine: " + Dl4jEngine.describe());
        System.out.println();

        List<BackboneSpec> specs = new ArrayList<>();
        if (resnet18) {
            specs.add(BackboneSpec.resnet18Cifar(3, 32, 32, 10));
        }
        specs.add(BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), 3, 32, 32, 10));
        System.out.println(String.format(Locale.ROOT, "%-44s %9s %7s %12s %12s", "network (3×32×32, 10 classes)",
                "params", "MMACs", "figure", "result"));
        for (BackboneSpec spec : specs) {
            ComputationGraph graph = spec.build(SEED);
            String name = spec.describe().replaceFirst(", 3×32×32, 10 classes", "");
            String params = String.format(Locale.ROOT, "%,d", graph.numParams());
            String macs = String.format(Locale.ROOT, "%.1f",
                    MacCounter.count(spec, ExitPoints.defaultsFor(spec)).total() / 1e6);
            System.out.println(String.format(Locale.ROOT, "%-44s %9s %7s %12s %12s", name, params, macs,
                    "helpers", Dl4jEngine.helpersActive(graph) ? "active" : "INACTIVE"));
            for (int batch : new int[] {64, 256}) {
                row(name, "train b" + batch, trainThroughput(graph, batch, seconds), "img/s");
            }
            for (int batch : new int[] {64, 256}) {
                row(name, "infer b" + batch, inferThroughput(graph, batch, seconds), "img/s");
            }
            row(name, "latency b1", latencyMillis(graph, seconds), "ms");
        }
        System.out.println();
        featureCacheBuild(sample);
    }

    private static void row(String name, String figure, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "%-44s %9s %7s %12s %9.1f %s", name, "", "", figure, value,
                unit));
    }

    private static DataSet randomBatch(int batch) {
        Random random = new Random(batch);
        INDArray x = Nd4j.rand(new long[] {batch, 3, 32, 32});
        INDArray y = Nd4j.zeros(batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, random.nextInt(10), 1);
        }
        return new DataSet(x, y);
    }

    /** Forward, backward and Adam update; one warm-up step, then steps until the time is used (at least 2). */
    private static double trainThroughput(ComputationGraph graph, int batch, double seconds) {
        ComputationGraph copy = graph.clone();
        DataSet data = randomBatch(batch);
        copy.fit(data);
        return timed(seconds, () -> copy.fit(data)) * batch;
    }

    private static double inferThroughput(ComputationGraph graph, int batch, double seconds) {
        INDArray x = randomBatch(batch).getFeatures();
        graph.output(x);
        return timed(seconds, () -> graph.output(x)) * batch;
    }

    /** The median of single-image passes, in milliseconds. */
    private static double latencyMillis(ComputationGraph graph, double seconds) {
        INDArray x = randomBatch(1).getFeatures();
        for (int i = 0; i < 5; i++) {
            graph.output(x);
        }
        List<Long> nanos = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (nanos.size() < 5 || System.nanoTime() < end) {
            long start = System.nanoTime();
            graph.output(x);
            nanos.add(System.nanoTime() - start);
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2] / 1e6;
    }

    /** @return operations per second over at least two operations and about {@code seconds} */
    private static double timed(double seconds, Runnable operation) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int count = 0;
        while (count < 2 || System.nanoTime() < end) {
            operation.run();
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static void featureCacheBuild(Path sample) throws IOException {
        long readStart = System.nanoTime();
        Dataset dataset;
        if (Files.isDirectory(sample)) {
            dataset = DatasetReaders.read(sample);
            System.out.println(String.format(Locale.ROOT, "Feature cache: sample %s read in %.1f s", sample,
                    (System.nanoTime() - readStart) / 1e9));
        } else {
            dataset = generated(15_000);
            System.out.println("Feature cache: no sample at " + sample + "; 15,000 generated 1×32×32 images");
        }
        TrainedBackbone backbone;
        Path shipped = sample.resolve("backbone.zip");
        if (Files.exists(shipped)) {
            backbone = BackboneFile.load(shipped, false);
        } else {
            BackboneSpec spec = BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), dataset.channels(),
                    dataset.height(), dataset.width(), dataset.numClasses());
            backbone = TrainedBackbone.of(spec.build(SEED), spec, dataset.classNames(),
                    ChannelStats.of(dataset.split(Split.TRAIN)));
        }
        int images = 0;
        for (Split split : Split.values()) {
            images += dataset.split(split).size();
        }
        System.out.println("Backbone: " + backbone.spec().describe() + ", exits " + backbone.exitPoints());
        Path folder = Files.createTempDirectory("exitbench-cache-bench");
        try {
            long start = System.nanoTime();
            FeatureCache.Result result = FeatureCache.loadOrBuild(folder, backbone, dataset,
                    FeatureCacheOptions.defaults(), ProgressListener.NONE, CancellationToken.NEVER);
            double built = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            FeatureCache.Result reused = FeatureCache.loadOrBuild(folder, backbone, dataset,
                    FeatureCacheOptions.defaults(), ProgressListener.NONE, CancellationToken.NEVER);
            double loaded = (System.nanoTime() - start) / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "Feature cache build (%s, %,d images, batch %d, fingerprints + extraction + save): %.1f s "
                            + "(%.0f img/s); reload with checks (%s): %.2f s",
                    result.outcome(), images, FeatureCacheOptions.defaults().batchSize(), built, images / built,
                    reused.outcome(), loaded));
        } finally {
            deleteTree(folder);
        }
    }

    private static Dataset generated(int n) {
        Map<Split, ImageDataset> splits = new EnumMap<>(Split.class);
        int[] sizes = {n * 2 / 3, n / 6, n - n * 2 / 3 - n / 6};
        List<String> classes = Arrays.asList("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
        Random random = new Random(SEED);
        for (Split split : Split.values()) {
            int count = sizes[split.ordinal()];
            byte[] pixels = new byte[count * 32 * 32];
            random.nextBytes(pixels);
            int[] labels = new int[count];
            List<String> sources = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                labels[i] = i % 10;
                sources.add("generated#" + i);
            }
            splits.put(split, new ImageDataset(pixels, labels, 1, 32, 32, classes, sources));
        }
        return new Dataset("generated", Path.of("generated"), DatasetFormat.IMAGE_FOLDER, splits,
                DatasetMetadata.asOnDisk());
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
