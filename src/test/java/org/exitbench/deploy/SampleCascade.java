package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeatureExtractor;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.NetworkSettings;
import org.exitbench.model.SplitFeatures;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A real cascade on the bundled sample without the training code: the shipped backbone (small ResNet
 * 16/32/64/128, exits after stages 1–3), freshly initialised default branches at its three exits, and the first
 * {@value #IMAGES} test images scored the workbench's way (feature cache extraction, then each branch on the pooled
 * features) as the reference an exported cascade must reproduce.
 */
final class SampleCascade {

    static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    static final int IMAGES = 300;

    final TrainedBackbone backbone;
    final List<ExitBranch> branches;
    final ImageDataset images;
    /** The workbench's scores of {@link #images}: branch softmax on cached features, backbone softmax from logits. */
    final ExitScores scores;
    private final float[][] probabilities;

    private SampleCascade(TrainedBackbone backbone, List<ExitBranch> branches, ImageDataset images,
                          ExitScores scores, float[][] probabilities) {
        this.probabilities = probabilities;
        this.backbone = backbone;
        this.branches = branches;
        this.images = images;
        this.scores = scores;
    }

    static SampleCascade load() {
        // Every eighth image, so all classes appear (the split is in class-folder order).
        return load(IntStream.range(0, IMAGES).map(i -> i * 8).toArray());
    }

    /** The cascade scored on every image of the sample's test split. */
    static SampleCascade loadWholeTestSplit() {
        return load(null);
    }

    /** @param rows the test images to score, or null for all */
    private static SampleCascade load(int[] rows) {
        Path file = SAMPLE.resolve("backbone.zip");
        assertTrue(Files.isRegularFile(file), file + " is missing; see sample-data/fashion-mnist/README.md");
        TrainedBackbone backbone = BackboneFile.load(file, false);
        ImageDataset test = DatasetReaders.read(SAMPLE).split(Split.TEST);
        ImageDataset images = rows == null ? test : test.subset(rows);
        FeatureExtractor extractor = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE,
                FeatureExtractor.DEFAULT_BATCH_SIZE);
        SplitFeatures features = extractor.extract(images, ProgressListener.NONE, CancellationToken.NEVER);
        List<ExitBranch> branches = new ArrayList<>();
        float[][] probabilities = new float[extractor.exitShapes().size()][];
        for (int k = 0; k < probabilities.length; k++) {
            BranchInput input = new BranchInput(extractor.exitShapes().get(k).channels(), 1, 10);
            ExitBranch branch = ExitBranch.create(BranchSpec.defaults(), input, 11 + k, NetworkSettings.defaults(),
                    new LossMCXENT());
            branches.add(branch);
            probabilities[k] = branch.probabilities(features.features(k), null);
        }
        ExitScores scores = ExitScores.fromProbabilities(probabilities, softmax(features.logits(), 10),
                images.labels(), 10);
        return new SampleCascade(backbone, List.copyOf(branches), images, scores, probabilities);
    }

    /**
     * Thresholds near each exit's median score, so that about half of the images reaching an exit leave there. Each
     * lies halfway between two neighbouring scores, never on one: the predictor's branch arithmetic differs from
     * DL4J's by float rounding, which must not decide an exit in a test.
     */
    Thresholds medianThresholds(ExitRule rule) {
        double[][] values = new double[scores.exitCount()][10];
        for (int k = 0; k < values.length; k++) {
            float[] sorted = new float[scores.sampleCount()];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = scores.score(rule, k, i);
            }
            java.util.Arrays.sort(sorted);
            int above = sorted.length / 2;
            while (sorted[above] - sorted[above - 1] < 1e-5f) {
                above++;
            }
            java.util.Arrays.fill(values[k], (sorted[above - 1] + (double) sorted[above]) / 2);
        }
        return Thresholds.of(rule, values);
    }

    /** @return per exit, the branches' N × C probabilities the scores were built from (what decision rules read) */
    float[][] exitProbabilities() {
        return probabilities;
    }

    FeaturePooling pooling() {
        return FeaturePooling.GLOBAL_AVERAGE;
    }

    CascadeParts parts(Thresholds thresholds) {
        return new CascadeParts(backbone, backbone.exitPoints().vertices(), branches, FeaturePooling.GLOBAL_AVERAGE,
                thresholds, provenance());
    }

    static CascadeProvenance provenance() {
        return new CascadeProvenance("test-run", "boosted", "{}", SAMPLE.toString(), "dataset-fp",
                SAMPLE.resolve("backbone.zip").toString(), "backbone-fp", "development", "1.0.0-M2.1",
                System.getProperty("java.version"), "2026-11-04T12:00:00Z");
    }

    /** Row-wise softmax in double, as the workbench turns cached logits into backbone probabilities. */
    private static float[] softmax(float[] logits, int classes) {
        float[] out = new float[logits.length];
        for (int row = 0; row < logits.length; row += classes) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[row + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[row + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                out[row + c] = (float) (Math.exp(logits[row + c] - max) / sum);
            }
        }
        return out;
    }
}
