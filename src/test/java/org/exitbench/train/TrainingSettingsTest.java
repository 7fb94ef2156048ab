package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.data.Augmentation;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.Dataset;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.Split;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/** How the trainer configures a graph it is given: update rule, weight decay, schedule, accuracy probe. */
@Tag("slow")
class TrainingSettingsTest {

    private static final Dataset DATA = StripeImages.dataset(4, new int[] {40, 10, 10}, 21L);
    private static final BackboneTrainingConfig SGD = BackboneTrainingConfig.builder(1)
            .optimizer(BackboneTrainingConfig.Optimizer.SGD_NESTEROV).learningRate(0.1).momentum(0.0)
            .stepSchedule(2, 0.25).weightDecay(5e-4).epochs(4).batchSize(32).augmentation(Augmentation.NONE)
            .seed(1L).patience(0).build();

    private static ComputationGraph graph() {
        return TinyGraphs.convBnGap(1, StripeImages.SIZE, 4, 9L);
    }

    private static DataSet firstBatch() {
        return new ImageDataSetIterator(DATA.split(Split.TRAIN), 32, ChannelStats.of(DATA.split(Split.TRAIN)),
                Augmentation.NONE, true, 1L).next();
    }

    private static float[] flat(INDArray array) {
        return array.dup('c').reshape(array.length()).toFloatVector();
    }

    private static List<Regularization> regularizationOf(ComputationGraph graph, String layer) {
        return ((BaseLayer) graph.getLayer(layer).conf().getLayer()).getRegularization();
    }

    @Test
    void settingsKeepTheParameters() {
        ComputationGraph original = graph();
        ComputationGraph trainable = BackboneTrainer.withTrainingSettings(original, SGD);
        assertArrayEquals(flat(original.params()), flat(trainable.params()));
        INDArray x = firstBatch().getFeatures();
        assertArrayEquals(flat(original.outputSingle(false, x)), flat(trainable.outputSingle(false, x)));
    }

    @Test
    void sgdGetsNesterovMomentumAndCoupledL2() {
        ComputationGraph trainable = BackboneTrainer.withTrainingSettings(graph(), SGD);
        for (String name : new String[] {"conv", "out"}) {
            BaseLayer layer = (BaseLayer) trainable.getLayer(name).conf().getLayer();
            assertInstanceOf(Nesterovs.class, layer.getIUpdater());
            List<Regularization> regularization = regularizationOf(trainable, name);
            assertEquals(1, regularization.size(), regularization.toString());
            L2Regularization l2 = assertInstanceOf(L2Regularization.class, regularization.get(0));
            assertEquals(5e-4, l2.getL2().valueAt(0, 0));
        }
    }

    @Test
    void adamGetsDecoupledWeightDecay() {
        BackboneTrainingConfig adam = SGD.toBuilder().optimizer(BackboneTrainingConfig.Optimizer.ADAM).build();
        ComputationGraph trainable = BackboneTrainer.withTrainingSettings(graph(), adam);
        BaseLayer layer = (BaseLayer) trainable.getLayer("conv").conf().getLayer();
        assertInstanceOf(Adam.class, layer.getIUpdater());
        List<Regularization> regularization = regularizationOf(trainable, "conv");
        assertEquals(1, regularization.size(), regularization.toString());
        WeightDecay decay = assertInstanceOf(WeightDecay.class, regularization.get(0));
        assertEquals(5e-4, decay.getCoeff().valueAt(0, 0));
        assertTrue(decay.isApplyLR());
    }

    /**
     * With momentum 0 and no weight decay, one SGD step moves each weight by learning rate × gradient, so the same
     * batch from the same start moves the weights lr(e)/lr(0) times as far in epoch e as in epoch 0.
     */
    @Test
    void theLearningRateFollowsTheScheduleByEpoch() {
        BackboneTrainingConfig plain = SGD.toBuilder().weightDecay(0).build();
        ComputationGraph original = graph();
        DataSet batch = firstBatch();
        float[] start = flat(original.getLayer("out").getParam("W"));
        float[][] moved = new float[4][];
        for (int epoch : new int[] {0, 2}) {
            ComputationGraph trainable = BackboneTrainer.withTrainingSettings(original, plain);
            trainable.getConfiguration().setEpochCount(epoch);
            trainable.fit(batch);
            moved[epoch] = flat(trainable.getLayer("out").getParam("W"));
        }
        double ratio = plain.learningRateAt(2) / plain.learningRateAt(0);
        assertEquals(0.25, ratio, 1e-12);
        for (int i = 0; i < start.length; i++) {
            double step0 = moved[0][i] - start[i];
            double step2 = moved[2][i] - start[i];
            assertEquals(ratio * step0, step2, 1e-6 + 1e-3 * Math.abs(step0), "weight " + i);
        }
        assertTrue(Math.abs(moved[0][0] - start[0]) > 1e-5, "the step must be measurable");
    }

    @Test
    void theProbeCountsThePredictionsOfTheTrainingForwardPass() {
        ComputationGraph trainable = BackboneTrainer.withTrainingSettings(graph(), SGD);
        DataSet batch = firstBatch();
        int[] labels = Nd4j.argMax(batch.getLabels(), 1).toIntVector();
        // Training mode, as fit runs it: batch-norm normalises with the batch's own statistics.
        int[] predicted = Nd4j.argMax(trainable.outputSingle(true, batch.getFeatures()), 1).toIntVector();
        long right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        TrainingAccuracyProbe probe = TrainingAccuracyProbe.attachTo(trainable);
        probe.reset();
        probe.expect(labels);
        trainable.fit(batch);

        assertEquals((double) right / labels.length, probe.accuracy(), 1e-12);
    }

    @Test
    void settingsTravelWithTheSavedModel() throws IOException {
        BackboneTrainingConfig adam = SGD.toBuilder().optimizer(BackboneTrainingConfig.Optimizer.ADAM).build();
        ComputationGraph trainable = BackboneTrainer.withTrainingSettings(graph(), adam);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(trainable, bytes, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(
                new ByteArrayInputStream(bytes.toByteArray()), true);

        assertEquals(regularizationOf(trainable, "conv"), regularizationOf(restored, "conv"));
        IUpdater updater = ((BaseLayer) restored.getLayer("out").conf().getLayer()).getIUpdater();
        for (int epoch = 0; epoch < adam.epochs(); epoch++) {
            assertEquals(adam.learningRateAt(epoch), updater.getLearningRate(1000, epoch), 1e-15);
        }
    }
}
