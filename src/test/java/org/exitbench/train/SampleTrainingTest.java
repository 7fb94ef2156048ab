package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exitbench.data.Augmentation;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short real training run of a small ResNet on a slice of the bundled Fashion-MNIST sample. */
@Tag("slow")
class SampleTrainingTest {

    @TempDir
    Path dir;

    @Test
    void aSmallResNetLearnsASliceOfTheSampleWellAboveChance() {
        Dataset data = SampleSlice.read(dir.resolve("slice"), new int[] {40, 10, 20});
        BackboneSpec spec = BackboneSpec.smallResNet(List.of(8, 16), List.of(1, 1), 1, 32, 32, 10);
        BackboneTrainingConfig config = BackboneTrainingConfig.builder(1)
                .optimizer(BackboneTrainingConfig.Optimizer.ADAM).learningRate(0.01).momentum(0.9)
                .schedule(BackboneTrainingConfig.Schedule.COSINE).stepSize(1).gamma(1.0).weightDecay(1e-4)
                .epochs(6).batchSize(32).augmentation(Augmentation.NONE).seed(42L).patience(0).build();

        BackboneTrainingResult result = new BackboneTrainer(BackboneTrainingListener.NONE, CancellationToken.NEVER)
                .train(spec, data, config, dir.resolve("checkpoints"));
        double test = AccuracyEvaluator.accuracy(result.graph(), data.split(Split.TEST), result.stats(), 100,
                CancellationToken.NEVER);

        assertTrue(test > 0.35, "test accuracy " + test + " on 200 images is not clearly above chance (0.10)");
        TrainedBackbone backbone = result.toBackbone(Map.of("testAccuracy", Double.toString(test)));
        BackboneFile.save(backbone, dir.resolve("backbone.zip"));
        TrainedBackbone loaded = BackboneFile.load(dir.resolve("backbone.zip"), false);
        assertEquals(spec, loaded.spec());
        assertEquals(data.classNames(), loaded.classNames());
        assertEquals(result.stats(), loaded.stats());
        assertEquals(Integer.toString(result.bestEpoch()), loaded.provenance().get("bestEpoch"));
        assertEquals("ADAM", loaded.provenance().get("optimizer"));
        assertEquals(test, AccuracyEvaluator.accuracy(loaded.graph(), data.split(Split.TEST), loaded.stats(), 100,
                CancellationToken.NEVER));
    }
}
