package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The predictor on the sample's shipped backbone with three branches: it answers as the workbench's cascade
 * evaluation does, stops where an exit fires, and gives the same answer for an image however it is handed in.
 */
@Tag("slow")
class EarlyExitPredictorTest {

    private static SampleCascade sample;
    private static EarlyExitPredictor median;
    private static Path dir;

    @BeforeAll
    static void exportTheSampleCascade(@TempDir Path temp) {
        dir = temp;
        sample = SampleCascade.load();
        median = predictor(sample.medianThresholds(ExitRule.MAX_SOFTMAX), "median.zip");
    }

    private static EarlyExitPredictor predictor(Thresholds thresholds, String name) {
        Path file = dir.resolve(name);
        CascadeFile.save(sample.parts(thresholds), file);
        return EarlyExitPredictor.load(file);
    }

    @Test
    void answersAsTheCascadeEvaluatorDoesOnTheWorkbenchsScores() {
        for (ExitRule rule : List.of(ExitRule.MAX_SOFTMAX, ExitRule.ENTROPY)) {
            Thresholds thresholds = sample.medianThresholds(rule);
            EarlyExitPredictor predictor = rule == ExitRule.MAX_SOFTMAX ? median
                    : predictor(thresholds, rule + ".zip");
            ExitScores scores = sample.scores;
            CascadeEvaluator evaluator = new CascadeEvaluator(scores, predictor.cascade().costModel());
            evaluator.evaluate(thresholds);
            List<Prediction> predictions = predictor.predict(sample.images, 0, sample.images.size());
            int exits = scores.exitCount();
            int[] leaving = new int[exits + 1];
            for (int i = 0; i < predictions.size(); i++) {
                Prediction p = predictions.get(i);
                assertEquals(evaluator.exitOf(i), p.exit(), rule + ": exit of image " + i);
                assertEquals(evaluator.predictionOf(i), p.classIndex(), rule + ": class of image " + i);
                float confidence = p.exit() < exits ? scores.confidence(p.exit(), i)
                        : scores.backboneTopProbability(i, 0);
                assertEquals(confidence, p.confidence(), 1e-5f, rule + ": confidence of image " + i);
                assertEquals(sample.images.classNames().get(p.classIndex()), p.className());
                leaving[p.exit()]++;
            }
            for (int e = 0; e <= exits; e++) {
                assertTrue(leaving[e] > 0, rule + ": every exit takes images: " + java.util.Arrays.toString(leaving));
            }
        }
    }

    @Test
    void aBatchWithMixedExitsGivesWhatSinglePredictionsGive() {
        int n = 120;
        List<Prediction> batch = median.predict(sample.images, 0, n);
        assertEquals(4, batch.stream().map(Prediction::exit).distinct().count(), "the batch mixes all four exits");
        for (int i = 0; i < n; i++) {
            Prediction single = median.predict(sample.images, i);
            Prediction inBatch = batch.get(i);
            assertEquals(single.exit(), inBatch.exit(), "exit of image " + i);
            assertEquals(single.classIndex(), inBatch.classIndex(), "class of image " + i);
            assertEquals(single.confidence(), inBatch.confidence(), 1e-6f, "confidence of image " + i);
            assertEquals(single.top().size(), inBatch.top().size());
            for (int r = 0; r < single.top().size(); r++) {
                assertEquals(single.top().get(r).classIndex(), inBatch.top().get(r).classIndex());
                assertEquals(single.top().get(r).probability(), inBatch.top().get(r).probability(), 1e-6f);
            }
        }
    }

    @Test
    void runsOnlyTheSegmentsAndBranchesUpToTheExitThatFires() {
        for (Prediction p : median.predict(sample.images, 0, 60)) {
            assertEquals(p.exit() + 1, p.segmentNanos().length, "segments run");
            assertEquals(Math.min(p.exit() + 1, 3), p.branchNanos().length, "branches run");
            assertTrue(p.totalNanos() > 0);
            assertEquals(p.exit() < 3, p.early());
            assertEquals(p.early() ? sample.backbone.exitPoints().vertex(p.exit()) : "final", p.exitVertex());
        }
        EarlyExitPredictor always = predictor(Thresholds.always(3, 10), "always.zip");
        for (Prediction p : always.predict(sample.images, 0, 20)) {
            assertEquals(0, p.exit());
            assertEquals(1, p.segmentNanos().length, "only the first segment ran");
        }
    }

    @Test
    void withoutExitsItAnswersAsTheWholeBackbone() {
        EarlyExitPredictor never = predictor(Thresholds.never(3, 10), "never.zip");
        int n = 30;
        List<Prediction> predictions = never.predict(sample.images, 0, n);
        INDArray input = org.exitbench.data.ImageDataSetIterator.inOrder(sample.images.subset(
                java.util.stream.IntStream.range(0, n).toArray()), n, sample.backbone.stats()).next().getFeatures();
        // The exported segments have batch-norm folded in: exactly the joined segments' answer, and the trained
        // backbone's up to folding's float rounding.
        float[] exported = never.cascade().fullBackbone().outputSingle(false, input).dup('c').data().asFloat();
        float[] trained = sample.backbone.graph().outputSingle(false, input).dup('c').data().asFloat();
        for (int i = 0; i < n; i++) {
            Prediction p = predictions.get(i);
            assertEquals(3, p.exit());
            assertEquals(4, p.segmentNanos().length);
            assertEquals(maximum(exported, i), p.confidence(), "the exported head's softmax, exactly");
            assertEquals(maximum(trained, i), p.confidence(), CascadeFile.COMPOSITION_TOLERANCE,
                    "the trained backbone's softmax");
            assertEquals(sample.scores.backbonePredicted(i), p.classIndex());
        }
    }

    @Test
    void anImageGivesTheSameAnswerAsRowArrayOrFile() {
        ImageDataset images = sample.images;
        for (int i = 0; i < 5; i++) {
            Prediction fromRow = median.predict(images, i);
            float[] pixels = new float[images.imageBytes()];
            byte[] bytes = images.copyImage(i, new byte[images.imageBytes()], 0);
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = bytes[p] & 0xFF;
            }
            Prediction fromArray = median.predict(pixels);
            Prediction fromFile = median.predict(Path.of(images.source(i)));
            for (Prediction other : List.of(fromArray, fromFile)) {
                assertEquals(fromRow.exit(), other.exit());
                assertEquals(fromRow.classIndex(), other.classIndex());
                assertEquals(fromRow.confidence(), other.confidence());
            }
        }
        List<Path> files = List.of(Path.of(images.source(0)), Path.of(images.source(1)));
        List<Prediction> fromFiles = median.predictFiles(files, ProgressListener.NONE, CancellationToken.NEVER);
        assertEquals(median.predict(images, 0).classIndex(), fromFiles.get(0).classIndex());
        assertEquals(median.predict(images, 1).classIndex(), fromFiles.get(1).classIndex());
    }

    @Test
    void aCopyAnswersAlikeWithItsOwnNetworks() {
        EarlyExitPredictor copy = median.copy();
        List<Prediction> a = median.predict(sample.images, 0, 20);
        List<Prediction> b = copy.predict(sample.images, 0, 20);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).exit(), b.get(i).exit());
            assertEquals(a.get(i).confidence(), b.get(i).confidence());
        }
    }

    @Test
    void inputsThatDoNotFitAreRefusedSayingWhy() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> median.predict(new float[28 * 28]));
        assertEquals("the image has 784 values, the cascade takes 1×32×32 = 1024", size.getMessage());
        ImageDataset colour = new ImageDataset(new byte[3 * 32 * 32], new int[] {0}, 3, 32, 32, List.of("x"),
                List.of("photo.png"));
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> median.predict(colour, 0));
        assertEquals("the images are in colour (e.g. photo.png), the cascade takes 1-channel images",
                channels.getMessage());
        ImageDataset small = new ImageDataset(new byte[28 * 28], new int[] {0}, 1, 28, 28, List.of("x"),
                List.of("small.png"));
        assertThrows(IllegalArgumentException.class, () -> median.predict(small, 0));
    }

    @Test
    void theCostModelIsTheBackbonesMacsAtTheExitsPlusTheBranches() {
        var costs = median.cascade().costModel();
        var macs = sample.backbone.macTable();
        assertArrayEquals(new long[] {macs.cumulativeMacs(0), macs.cumulativeMacs(1), macs.cumulativeMacs(2)},
                costs.backboneMacsToExit());
        assertEquals(macs.total(), costs.fullBackboneMacs());
        for (int k = 0; k < 3; k++) {
            assertEquals(sample.branches.get(k).macs(), costs.branchMacs()[k]);
        }
    }

    private static float maximum(float[] probabilities, int row) {
        float max = 0;
        for (int c = 0; c < 10; c++) {
            max = Math.max(max, probabilities[row * 10 + c]);
        }
        return max;
    }
}
