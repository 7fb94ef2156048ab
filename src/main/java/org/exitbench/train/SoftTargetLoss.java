package org.exitbench.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The loss every exit branch trains with: per sample, {@code w · T² · KL(p ‖ softmax(z / T))}, where z is the
 * output layer's pre-activation, the label row holds {@code w · p} (a target distribution p scaled by the
 * sample's weight w, so w is the row's sum) and T is the temperature.
 * <ul>
 *   <li>With T = 1 and one-hot rows it is cross-entropy (p log p vanishes for a one-hot p).</li>
 *   <li>With the backbone's softmax at temperature T as p it is Hinton distillation, scaled by T² so the
 *       gradient's size does not depend on T: {@code ∂/∂z = T · (w · softmax(z / T) − w · p)}. This is our
 *       reading of CalexNet's Eq. 10 (PAPER §3.1; T = 4 is stated).</li>
 * </ul>
 *
 * <p>Weights travel in the label rows, not in DL4J's labels mask: in DL4J 1.0.0-M2.1 a mask value also
 * multiplies the output layer's pre-activation, so a mask of 2 is not a weight of 2 (see the test). The output
 * layer keeps its softmax activation, so the trained branch answers with {@code softmax(z)}, its probabilities at
 * temperature 1; this loss ignores the activation it is handed and applies softmax at T itself.
 */
public final class SoftTargetLoss implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @JsonProperty("temperature")
    private final double temperature;

    /** A loss at temperature {@code temperature}, which must be positive. */
    public SoftTargetLoss(@JsonProperty("temperature") double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, was " + temperature);
        }
        this.temperature = temperature;
    }

    /** @return T */
    public double temperature() {
        return temperature;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        long n = preOutput.size(0);
        INDArray z = preOutput.div(temperature);
        INDArray shifted = z.subColumnVector(z.max(1).reshape(n, 1));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(1), false).reshape(n, 1);
        INDArray logQ = shifted.subColumnVector(logSum);
        INDArray weight = labels.sum(true, 1);
        // log p = log(label) − log w; 0·log 0 = 0, which the clamps keep finite where a label or weight is 0.
        INDArray logP = Transforms.log(Transforms.max(labels, 1e-30, true), false)
                .subColumnVector(Transforms.log(Transforms.max(weight, 1e-30, true), false));
        INDArray score = labels.mul(logP.subi(logQ)).sum(true, 1).muli(temperature * temperature);
        return applyMask(score, mask);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        long n = preOutput.size(0);
        INDArray z = preOutput.div(temperature);
        INDArray e = Transforms.exp(z.subColumnVector(z.max(1).reshape(n, 1)), false);
        INDArray q = e.diviColumnVector(e.sum(1).reshape(n, 1));
        INDArray gradient = q.muliColumnVector(labels.sum(true, 1)).subi(labels).muli(temperature);
        return applyMask(gradient, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    /** DL4J passes a 0/1 mask only for padding; it removes masked rows. */
    private static INDArray applyMask(INDArray rows, INDArray mask) {
        if (mask == null) {
            return rows;
        }
        return rows.muliColumnVector(mask.reshape(mask.length(), 1).castTo(rows.dataType()));
    }

    @Override
    public String name() {
        return "SoftTargetLoss(T=" + temperature + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftTargetLoss other && Double.compare(other.temperature, temperature) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(temperature);
    }
}
