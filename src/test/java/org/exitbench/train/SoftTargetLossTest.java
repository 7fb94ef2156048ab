package org.exitbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.NetworkSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The branches' loss: distillation value and gradient, cross-entropy as its T = 1 one-hot case, per-sample weights
 * carried in the label rows, and why they are not carried in DL4J's labels mask.
 */
class SoftTargetLossTest {

    private static final double T = 4.0;

    private static INDArray matrix(double[][] rows) {
        return Nd4j.create(rows).castTo(DataType.DOUBLE);
    }

    private static double[] softmax(double[] z, double temperature) {
        double[] e = new double[z.length];
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            e[c] = Math.exp(z[c] / temperature);
            sum += e[c];
        }
        for (int c = 0; c < z.length; c++) {
            e[c] /= sum;
        }
        return e;
    }

    @Test
    void distillationScoreIsTSquaredTimesKlDivergenceAtTemperatureT() {
        double[] z = {2.0, -1.0, 0.5};
        double[] p = {0.6, 0.1, 0.3};
        double[] q = softmax(z, T);
        double kl = 0;
        for (int c = 0; c < 3; c++) {
            kl += p[c] * Math.log(p[c] / q[c]);
        }
        double score = new SoftTargetLoss(T).computeScore(matrix(new double[][] {p}), matrix(new double[][] {z}),
                new ActivationSoftmax(), null, true);
        assertEquals(T * T * kl, score, 1e-9);
    }

    @Test
    void atTemperatureOneWithOneHotRowsItIsCrossEntropy() {
        double[][] z = {{2.0, -1.0, 0.5}, {0.1, 0.2, -0.4}};
        double[][] y = {{0, 1, 0}, {0, 0, 1}};
        double ours = new SoftTargetLoss(1.0).computeScore(matrix(y), matrix(z), new ActivationSoftmax(), null, true);
        double dl4j = new LossMCXENT().computeScore(matrix(y), matrix(z), new ActivationSoftmax(), null, true);
        assertEquals(-(Math.log(softmax(z[0], 1)[1]) + Math.log(softmax(z[1], 1)[2])) / 2, ours, 1e-9);
        assertEquals(dl4j, ours, 1e-6);
    }

    @Test
    void gradientMatchesFiniteDifferencesWithWeightedRows() {
        double[][] z = {{2.0, -1.0, 0.5, 0.0}, {-0.3, 0.8, 1.5, -2.0}, {0.0, 0.0, 0.0, 0.0}};
        // Row weights 1, 0.25 and 3 times a distribution (the second has a zero entry).
        double[][] labels = {{0.7, 0.1, 0.15, 0.05}, {0.0, 0.05, 0.125, 0.075}, {0.3, 0.3, 1.2, 1.2}};
        SoftTargetLoss loss = new SoftTargetLoss(T);
        INDArray gradient = loss.computeGradient(matrix(labels), matrix(z), new ActivationSoftmax(), null);
        double h = 1e-6;
        for (int i = 0; i < z.length; i++) {
            for (int c = 0; c < 4; c++) {
                double[][] plus = copy(z);
                double[][] minus = copy(z);
                plus[i][c] += h;
                minus[i][c] -= h;
                double numeric = (loss.computeScore(matrix(labels), matrix(plus), new ActivationSoftmax(), null, false)
                        - loss.computeScore(matrix(labels), matrix(minus), new ActivationSoftmax(), null, false))
                        / (2 * h);
                assertEquals(numeric, gradient.getDouble(i, c), 1e-6, "d/dz[" + i + "][" + c + "]");
            }
        }
    }

    @Test
    void aRowScaledByWScoresWTimesTheUnitRow() {
        double[][] z = {{1.0, -0.5, 0.25}};
        double[][] unit = {{0.5, 0.3, 0.2}};
        double[][] scaled = {{1.5, 0.9, 0.6}};
        SoftTargetLoss loss = new SoftTargetLoss(T);
        assertEquals(3 * loss.computeScore(matrix(unit), matrix(z), new ActivationSoftmax(), null, false),
                loss.computeScore(matrix(scaled), matrix(z), new ActivationSoftmax(), null, false), 1e-9);
    }

    @Test
    void atEqualDistributionsTheLossAndGradientVanish() {
        double[] z = {1.0, 2.0, 3.0};
        double[][] q = {softmax(z, T)};
        SoftTargetLoss loss = new SoftTargetLoss(T);
        assertEquals(0.0, loss.computeScore(matrix(q), matrix(new double[][] {z}), new ActivationSoftmax(), null,
                true), 1e-12);
        assertEquals(0.0, loss.computeGradient(matrix(q), matrix(new double[][] {z}), new ActivationSoftmax(), null)
                .norm2Number().doubleValue(), 1e-12);
    }

    /**
     * What the trainer relies on: in a real branch graph, a label row scaled by 2 gives the same summed gradient
     * as listing the sample twice. DL4J's labels mask would not do: a mask value of 2 also doubles the output
     * layer's pre-activation, so its gradient is not that of a weight (checked too, so that a DL4J upgrade that
     * changes this is noticed).
     */
    @Test
    void scaledLabelRowsWeightSamplesInADl4jGraphAndLabelMasksDoNot() {
        BranchInput input = new BranchInput(6, 1, 3);
        ExitBranch branch = ExitBranch.create(BranchSpec.defaults(), input, 3L, NetworkSettings.defaults(),
                new SoftTargetLoss(T));
        float[] features = {0.5f, -1f, 2f, 0f, 1f, 0.3f, /* B */ -0.2f, 0.9f, 0.1f, 1.5f, -0.7f, 0.4f};
        float[] a = {0.7f, 0.2f, 0.1f};
        float[] b = {0.1f, 0.1f, 0.8f};
        INDArray repeated = gradient(branch, new DataSet(branch.batch(features, new int[] {0, 0, 1}, 0, 3),
                rows(a, a, b)));
        INDArray weighted = gradient(branch, new DataSet(branch.batch(features, new int[] {0, 1}, 0, 2),
                rows(new float[] {1.4f, 0.4f, 0.2f}, b)));
        INDArray masked = gradient(branch, new DataSet(branch.batch(features, new int[] {0, 1}, 0, 2), rows(a, b),
                null, Nd4j.create(new float[] {2f, 1f}, new long[] {2, 1}, 'c')));
        double scale = repeated.norm2Number().doubleValue();
        assertEquals(0.0, weighted.sub(repeated).norm2Number().doubleValue(), 1e-5 * scale);
        assertTrue(masked.sub(repeated).norm2Number().doubleValue() > 1e-3 * scale,
                "DL4J now treats a labels mask as a weight; the trainer could use masks instead of scaled rows");
    }

    @Test
    void branchWithTheLossSavesAndLoads(@TempDir Path dir) {
        BranchInput input = new BranchInput(6, 1, 3);
        ExitBranch branch = ExitBranch.create(BranchSpec.defaults(), input, 3L, NetworkSettings.defaults(),
                new SoftTargetLoss(T));
        branch.save(dir.resolve("b.zip"));
        ExitBranch loaded = ExitBranch.load(dir.resolve("b.zip"), BranchSpec.defaults(), input);
        assertEquals(branch.graph().getConfiguration().toJson(), loaded.graph().getConfiguration().toJson());
    }

    private static INDArray gradient(ExitBranch branch, DataSet data) {
        branch.graph().clearLayerMaskArrays();
        if (data.getLabelsMaskArray() != null) {
            branch.graph().setLayerMaskArrays(null, new INDArray[] {data.getLabelsMaskArray()});
        }
        branch.graph().setInputs(data.getFeatures());
        branch.graph().setLabels(data.getLabels());
        branch.graph().computeGradientAndScore();
        return branch.graph().gradient().gradient().dup();
    }

    private static INDArray rows(float[]... rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
        }
        return Nd4j.create(flat, new long[] {rows.length, rows[0].length}, 'c');
    }

    private static double[][] copy(double[][] values) {
        double[][] out = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].clone();
        }
        return out;
    }
}
