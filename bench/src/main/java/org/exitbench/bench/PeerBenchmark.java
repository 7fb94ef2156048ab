package org.exitbench.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.exitbench.data.ChannelStats;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.MacCounter;
import org.exitbench.model.NetworkSettings;
import org.exitbench.model.NetworkSettings.LayerImplementation;
import org.exitbench.model.TrainedBackbone;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J side of the peer benchmark against PyTorch (bench/run-peer-bench.sh, bench/pytorch/peer_bench.py):
 * the same two networks, the same figures, the same timing protocol, results as JSON.
 *
 * <p>Figures, each in images/s: {@code train_b64} (forward, backward and an Adam step on a batch of 64),
 * {@code infer_b256} and {@code infer_b1} (feature extraction: the pooled maps at the default exits plus the
 * logits, for a batch of 256 and for one image, which is also the work of a real-exit cascade that runs every
 * exit). Every figure is measured in {@linkplain #measure blocks} of at least half a second after a warm-up, and
 * the best block is kept, by the wall clock and by process CPU time; on a shared machine the best block is the
 * least disturbed one, and CPU time ignores waiting for a core altogether.
 *
 * <p>Variants: {@code tuned} is what Exitbench uses ({@link NetworkSettings#defaults()} for training,
 * {@link FeatureExtractor} for inference); {@code baseline} is the configuration before issue 9 (NCHW, no
 * activation cache, DL4J's own layers, and extraction on the unfolded graph with the feature maps copied to the
 * heap and averaged in Java). {@code --levers} adds the steps between them for the tuning table in
 * docs/performance.md: {@code nchw-cache} (activation cache), {@code nhwc} (NHWC layout), {@code nhwc-cache}
 * (both, DL4J's layers), {@code folded-nchw} (batch-norm folded, NCHW, host pooling) and {@code unfolded-nhwc}
 * (NHWC, not folded, host pooling).
 *
 * <p>Threads are set by {@code OMP_NUM_THREADS} before the JVM starts (ND4J reads it once, for its own loops and
 * for oneDNN's OpenMP pool); the run stops when ND4J's thread count differs from {@code --threads}.
 *
 * <p>Options: {@code --threads N} (required), {@code --seconds S} per figure (default 4), {@code --networks
 * resnet18,small}, {@code --variants baseline,tuned}, {@code --levers}, {@code --describe} (counts only),
 * {@code --json FILE}.
 */
public final class PeerBenchmark {

    private static final long SEED = 1;
    private static final double BLOCK_SECONDS = 0.5;

    private PeerBenchmark() {
    }

    /** Results of one figure: best-block throughput by wall clock and by process CPU time. */
    record Throughput(double wall, double cpu) {
    }

    public static void main(String[] args) throws IOException {
        int threads = -1;
        double seconds = 4;
        List<String> networks = List.of("resnet18", "small");
        List<String> variants = new ArrayList<>(List.of("baseline", "tuned"));
        boolean describeOnly = false;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--networks" -> networks = List.of(args[++i].split(","));
                case "--variants" -> variants = new ArrayList<>(List.of(args[++i].split(",")));
                case "--levers" -> variants.addAll(List.of("nchw-cache", "nhwc", "nhwc-cache", "folded-nchw",
                        "unfolded-nhwc"));
                case "--describe" -> describeOnly = true;
                case "--json" -> json = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --threads N,"
                        + " --seconds S, --networks resnet18,small, --variants baseline,tuned, --levers, --describe,"
                        + " --json FILE)");
            }
        }
        Dl4jEngine.initialize();
        int nd4jThreads = Nd4j.getEnvironment().maxThreads();
        if (!describeOnly && threads != nd4jThreads) {
            throw new IllegalStateException("asked for " + threads + " threads but ND4J runs " + nd4jThreads
                    + " (OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + "); set OMP_NUM_THREADS=" + threads
                    + " before starting the JVM");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", "dl4j");
        report.put("description", Dl4jEngine.describe());
        report.put("threads", nd4jThreads);
        report.put("omp_num_threads", System.getenv("OMP_NUM_THREADS"));
        report.put("loadavg_start", loadAverage());
        List<Map<String, Object>> results = new ArrayList<>();
        report.put("networks", results);
        for (String network : networks) {
            BackboneSpec spec = spec(network);
            Map<String, Object> entry = describe(network, spec);
            System.out.printf(Locale.ROOT, "dl4j    %-8s params %d trainable, %d with BN running statistics; %d MACs%n",
                    network, entry.get("params_trainable"), entry.get("params_total"), entry.get("macs"));
            if (!describeOnly) {
                List<Map<String, Object>> figures = new ArrayList<>();
                for (String variant : variants) {
                    measureVariant(spec, network, variant, seconds, figures);
                }
                entry.put("figures", figures);
            }
            results.add(entry);
        }
        report.put("loadavg_end", loadAverage());
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        }
    }

    static BackboneSpec spec(String network) {
        return switch (network) {
            case "resnet18" -> BackboneSpec.resnet18Cifar(3, 32, 32, 10);
            case "small" -> BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), 3, 32, 32, 10);
            default -> throw new IllegalArgumentException("unknown network " + network + "; known: resnet18, small");
        };
    }

    private static Map<String, Object> describe(String network, BackboneSpec spec) {
        ComputationGraph graph = spec.build(SEED);
        long runningStatistics = 0;
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            if (layer instanceof BatchNormalization) {
                runningStatistics += layer.paramTable().entrySet().stream()
                        .filter(p -> !p.getKey().equals("gamma") && !p.getKey().equals("beta"))
                        .mapToLong(p -> p.getValue().length()).sum();
            }
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("network", network);
        entry.put("params_trainable", graph.numParams() - runningStatistics);
        entry.put("params_total", graph.numParams());
        entry.put("macs", MacCounter.count(spec, ExitPoints.defaultsFor(spec)).total());
        return entry;
    }

    /** The training settings of a variant; null for the variants that only change inference. */
    private static NetworkSettings trainingSettings(String variant) {
        NetworkSettings dl4jLayers = NetworkSettings.builder().layers(LayerImplementation.DL4J).build();
        return switch (variant) {
            case "baseline" -> dl4jLayers.toBuilder().dataFormat(CNN2DFormat.NCHW).cacheMode(CacheMode.NONE).build();
            case "nchw-cache" -> dl4jLayers.toBuilder().dataFormat(CNN2DFormat.NCHW).build();
            case "nhwc" -> dl4jLayers.toBuilder().cacheMode(CacheMode.NONE).build();
            case "nhwc-cache" -> dl4jLayers;
            case "tuned" -> NetworkSettings.defaults();
            case "folded-nchw", "unfolded-nhwc" -> null;
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    private static void measureVariant(BackboneSpec spec, String network, String variant, double seconds,
                                       List<Map<String, Object>> figures) {
        NetworkSettings settings = trainingSettings(variant);
        if (settings != null) {
            ComputationGraph graph = spec.build(SEED, settings);
            requireHelpers(graph, network, variant);
            DataSet batch = randomBatch(64, 10);
            graph.fit(batch);
            record(figures, network, variant, "train_b64", measure(seconds, 64, () -> graph.fit(batch)));
        }
        Extraction extraction = extraction(spec, variant);
        for (int size : new int[] {256, 1}) {
            INDArray images = randomBatch(size, 10).getFeatures();
            extraction.run(images);
            record(figures, network, variant, "infer_b" + size, measure(seconds, size, () -> extraction.run(images)));
        }
    }

    /** Feature extraction of one batch, as a variant does it. */
    interface Extraction {
        void run(INDArray images);
    }

    private static Extraction extraction(BackboneSpec spec, String variant) {
        NetworkSettings dl4jLayers = NetworkSettings.builder().layers(LayerImplementation.DL4J).build();
        return switch (variant) {
            case "baseline", "nchw-cache" -> new UnfoldedExtraction(backbone(spec,
                    dl4jLayers.toBuilder().dataFormat(CNN2DFormat.NCHW).build()));
            case "nhwc", "nhwc-cache", "unfolded-nhwc" -> new UnfoldedExtraction(backbone(spec, dl4jLayers));
            case "folded-nchw" -> foldedNchw(backbone(spec, dl4jLayers.toBuilder().dataFormat(CNN2DFormat.NCHW).build()));
            case "tuned" -> {
                FeatureExtractor extractor = new FeatureExtractor(backbone(spec, NetworkSettings.defaults()),
                        FeaturePooling.GLOBAL_AVERAGE, FeatureExtractor.DEFAULT_BATCH_SIZE);
                yield extractor::extractBatch;
            }
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    private static TrainedBackbone backbone(BackboneSpec spec, NetworkSettings settings) {
        ComputationGraph graph = spec.build(SEED, settings);
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < spec.numClasses(); c++) {
            classes.add("class" + c);
        }
        return TrainedBackbone.of(graph, spec, classes, ChannelStats.identity(spec.inputChannels()));
    }

    /** The folded graph kept in NCHW, with the baseline's host-side pooling: isolates the folding lever. */
    private static Extraction foldedNchw(TrainedBackbone backbone) {
        java.util.Set<String> keep = new java.util.LinkedHashSet<>(backbone.exitPoints().vertices());
        keep.add(org.exitbench.model.BackboneVertices.GLOBAL_POOL);
        ComputationGraph folded = org.exitbench.model.BatchNormFolding.fold(backbone.graph(), backbone.inputType(),
                keep, CNN2DFormat.NCHW);
        return new UnfoldedExtraction(backbone, folded);
    }

    /**
     * Extraction as FeatureExtractor did it before issue 9: a view of the unfolded graph that outputs the exit
     * maps and the head's input, the maps copied to the heap and averaged in Java, logits by a matrix product.
     */
    static final class UnfoldedExtraction implements Extraction {
        private final ComputationGraph view;
        private final boolean nhwc;
        private final int exits;
        private final INDArray weights;
        private final INDArray bias;

        UnfoldedExtraction(TrainedBackbone backbone) {
            this(backbone, backbone.graph());
        }

        UnfoldedExtraction(TrainedBackbone backbone, ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration().clone();
            List<String> outputs = new ArrayList<>(backbone.exitPoints().vertices());
            outputs.add(org.exitbench.model.BackboneVertices.GLOBAL_POOL);
            conf.setNetworkOutputs(outputs);
            this.view = new ComputationGraph(conf);
            view.init(graph.params(), false);
            this.exits = backbone.exitPoints().size();
            this.nhwc = layout(graph) == CNN2DFormat.NHWC;
            this.weights = backbone.graph().getLayer(org.exitbench.model.BackboneVertices.OUTPUT).getParam("W");
            this.bias = backbone.graph().getLayer(org.exitbench.model.BackboneVertices.OUTPUT).getParam("b");
        }

        @Override
        public void run(INDArray images) {
            INDArray[] outputs = view.output(false, images);
            double sink = 0;
            for (int e = 0; e < exits; e++) {
                INDArray map = nhwc ? outputs[e].permute(0, 3, 1, 2) : outputs[e];
                long n = map.size(0);
                long c = map.size(1);
                int plane = (int) (map.size(2) * map.size(3));
                float[] values = map.dup('c').data().asFloat();
                float[] pooled = new float[(int) (n * c)];
                for (int i = 0; i < pooled.length; i++) {
                    double sum = 0;
                    for (int p = 0; p < plane; p++) {
                        sum += values[i * plane + p];
                    }
                    pooled[i] = (float) (sum / plane);
                }
                sink += pooled[0];
            }
            float[] logits = outputs[exits].mmul(weights).addiRowVector(bias).dup('c').data().asFloat();
            if (Double.isNaN(sink + logits[0])) {
                throw new IllegalStateException("NaN in the extracted features");
            }
        }
    }

    /** The layout the graph computes in: that of its convolutions. */
    static CNN2DFormat layout(ComputationGraph graph) {
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv) {
                return conv.getCnn2dDataFormat();
            }
        }
        return CNN2DFormat.NCHW;
    }

    private static void requireHelpers(ComputationGraph graph, String network, String variant) {
        if (!Dl4jEngine.helpersActive(graph)) {
            throw new IllegalStateException("oneDNN helpers are not active for " + network + " / " + variant + ": "
                    + Dl4jEngine.describe());
        }
    }

    private static void record(List<Map<String, Object>> figures, String network, String variant, String figure,
                               Throughput t) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("figure", figure);
        row.put("variant", variant);
        row.put("wall", t.wall());
        row.put("cpu", t.cpu());
        figures.add(row);
        System.out.printf(Locale.ROOT, "dl4j    %-8s %-13s %-11s %10.1f img/s   (%.1f img per CPU s)%n", network,
                variant, figure, t.wall(), t.cpu());
    }

    /**
     * Runs the operation in blocks of at least {@value #BLOCK_SECONDS} s (at least one operation each) until
     * {@code seconds} have passed and at least three blocks were run, and returns the best block's throughput by
     * the wall clock and by process CPU time.
     */
    static Throughput measure(double seconds, int imagesPerOperation, Runnable operation) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double bestWall = 0;
        double bestCpu = 0;
        int blocks = 0;
        while (blocks < 3 || System.nanoTime() < end) {
            long wall0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            long blockEnd = wall0 + (long) (BLOCK_SECONDS * 1e9);
            int count = 0;
            while (count == 0 || System.nanoTime() < blockEnd) {
                operation.run();
                count++;
            }
            double images = (double) count * imagesPerOperation;
            bestWall = Math.max(bestWall, images / ((System.nanoTime() - wall0) / 1e9));
            bestCpu = Math.max(bestCpu, images / (Math.max(1, processCpuNanos() - cpu0) / 1e9));
            blocks++;
        }
        return new Throughput(bestWall, bestCpu);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static DataSet randomBatch(int batch, int classes) {
        Random random = new Random(batch);
        INDArray x = Nd4j.rand(new long[] {batch, 3, 32, 32});
        INDArray y = Nd4j.zeros(batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, random.nextInt(classes), 1);
        }
        return new DataSet(x, y);
    }

    private static double[] loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                    Double.parseDouble(parts[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
        }
    }
}
