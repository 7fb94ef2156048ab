package org.exitbench.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.FeatureCacheOptions;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BackboneTrainer;
import org.exitbench.train.BackboneTrainingConfig;
import org.exitbench.train.BackboneTrainingProgress;
import org.exitbench.train.BackboneTrainingResult;

/**
 * A long run as the app does it, watching the process's resident memory: read the sample, build its full feature
 * cache with the small ResNet (16/32/64 × 1 block), then train that backbone for ten epochs with
 * {@link BackboneTrainer} and the default training configuration. RSS ({@code VmRSS} of /proc/self/status) is
 * sampled every 200 ms and at the end of every epoch; the report gives the peak ({@code VmHWM}), the RSS after
 * each phase and epoch, and the growth per epoch over epochs 2 to 10 (least squares), which is about zero when
 * memory is flat.
 *
 * <p>Run it with {@code bench/run-memory-bench.sh}. Options: {@code --sample DIR} (default
 * {@code sample-data/fashion-mnist}), {@code --epochs N} (default 10), {@code --json FILE}.
 */
public final class MemoryRunBenchmark {

    private MemoryRunBenchmark() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path sample = Path.of("sample-data", "fashion-mnist");
        int epochs = 10;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sample" -> sample = Path.of(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --sample DIR, --epochs N, --json FILE)");
            }
        }
        Dl4jEngine.initialize();
        System.out.println("# Memory over a long run: feature cache of the sample, then " + epochs
                + " training epochs");
        System.out.println("Engine: " + Dl4jEngine.describe() + "; max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        AtomicLong peakSampled = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakSampled.accumulateAndGet(statusKb("VmRSS"), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();

        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> points = new ArrayList<>();
        report.put("engine", Dl4jEngine.describe());
        report.put("points", points);
        point(points, "start", Double.NaN);

        long start = System.nanoTime();
        Dataset dataset = DatasetReaders.read(sample);
        point(points, "sample read", seconds(start));

        BackboneSpec spec = BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), dataset.channels(),
                dataset.height(), dataset.width(), dataset.numClasses());
        TrainedBackbone untrained = TrainedBackbone.of(spec.build(1), spec, dataset.classNames(),
                ChannelStats.of(dataset.split(Split.TRAIN)));
        Path cacheFolder = Files.createTempDirectory("exitbench-memory-cache");
        Path checkpoints = Files.createTempDirectory("exitbench-memory-train");
        try {
            start = System.nanoTime();
            FeatureCache.loadOrBuild(cacheFolder, untrained, dataset, FeatureCacheOptions.defaults(),
                    ProgressListener.NONE, CancellationToken.NEVER);
            point(points, "feature cache built", seconds(start));

            BackboneTrainingConfig config = BackboneTrainingConfig.builder(dataset.channels()).epochs(epochs).build();
            long trainStart = System.nanoTime();
            AtomicLong epochStart = new AtomicLong(trainStart);
            BackboneTrainingResult result = new BackboneTrainer(event -> {
                if (event.kind() == BackboneTrainingProgress.Kind.EPOCH_END) {
                    long now = System.nanoTime();
                    point(points, "epoch " + event.epoch(), (now - epochStart.get()) / 1e9);
                    epochStart.set(now);
                }
            }, CancellationToken.NEVER).train(spec, dataset, config, checkpoints);
            report.put("training_seconds", seconds(trainStart));
            report.put("best_validation_accuracy", result.history().stream()
                    .mapToDouble(org.exitbench.train.EpochRecord::validationAccuracy).max().orElse(Double.NaN));
        } finally {
            deleteTree(cacheFolder);
            deleteTree(checkpoints);
        }
        sampler.interrupt();
        sampler.join();

        long peak = Math.max(statusKb("VmHWM"), peakSampled.get());
        double slope = epochSlopeKb(points);
        report.put("peak_rss_mb", peak / 1024.0);
        report.put("rss_growth_mb_per_epoch_2_to_last", slope / 1024.0);
        System.out.printf(Locale.ROOT, "Peak RSS (VmHWM): %.0f MB; growth over epochs 2..%d: %+.1f MB per epoch%n",
                peak / 1024.0, epochs, slope / 1024.0);
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        }
    }

    private static void point(List<Map<String, Object>> points, String label, double seconds) {
        Runtime runtime = Runtime.getRuntime();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("label", label);
        p.put("seconds", seconds);
        p.put("rss_mb", statusKb("VmRSS") / 1024.0);
        p.put("peak_rss_mb", statusKb("VmHWM") / 1024.0);
        p.put("heap_used_mb", (runtime.totalMemory() - runtime.freeMemory()) / (double) (1 << 20));
        points.add(p);
        System.out.printf(Locale.ROOT, "%-22s %7.1f s   RSS %7.0f MB   peak %7.0f MB   heap %6.0f MB%n", label,
                seconds, p.get("rss_mb"), p.get("peak_rss_mb"), p.get("heap_used_mb"));
    }

    /** Least-squares slope of RSS (kB) over the epoch points from the second epoch on; 0 with fewer than two. */
    private static double epochSlopeKb(List<Map<String, Object>> points) {
        List<double[]> xy = new ArrayList<>();
        for (Map<String, Object> p : points) {
            String label = (String) p.get("label");
            if (label.startsWith("epoch ")) {
                int epoch = Integer.parseInt(label.substring(6));
                if (epoch >= 2) {
                    xy.add(new double[] {epoch, (double) p.get("rss_mb") * 1024});
                }
            }
        }
        if (xy.size() < 2) {
            return 0;
        }
        double mx = xy.stream().mapToDouble(v -> v[0]).average().orElse(0);
        double my = xy.stream().mapToDouble(v -> v[1]).average().orElse(0);
        double sxy = xy.stream().mapToDouble(v -> (v[0] - mx) * (v[1] - my)).sum();
        double sxx = xy.stream().mapToDouble(v -> (v[0] - mx) * (v[0] - mx)).sum();
        return sxy / sxx;
    }

    /** A "kB" field of /proc/self/status (Linux), or 0 where it cannot be read. */
    static long statusKb(String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith(field + ":")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
