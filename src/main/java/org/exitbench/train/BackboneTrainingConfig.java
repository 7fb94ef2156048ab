package org.exitbench.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.data.Augmentation;

/**
 * How to train a backbone: optimiser, learning-rate schedule, regularisation, length, augmentation, seed and
 * early stopping.
 *
 * <p>The learning rate changes once per epoch (see {@link #learningRateAt(int)}), so a run resumed at an epoch
 * boundary follows exactly the schedule of an uninterrupted one.
 *
 * @param optimizer    the update rule
 * @param learningRate the initial learning rate; positive
 * @param momentum     the Nesterov momentum of {@link Optimizer#SGD_NESTEROV}, in [0, 1); Adam ignores it
 * @param schedule     how the learning rate decays over the epochs
 * @param stepSize     epochs between decays of {@link Schedule#STEP}; at least 1
 * @param gamma        the factor of each {@link Schedule#STEP} decay, in (0, 1]
 * @param weightDecay  the weight decay coefficient, 0 or more: coupled L2 for SGD (as PyTorch's SGD
 *                     {@code weight_decay}), decoupled for Adam (as AdamW)
 * @param epochs       the most epochs to train; at least 1
 * @param batchSize    images per mini-batch; at least 1
 * @param augmentation the training-time augmentation of the data layer; validation is never augmented
 * @param seed         the seed of the data order and the augmentation draws
 * @param patience     stop after this many epochs without a better validation accuracy; 0 switches early
 *                     stopping off. Either way the result holds the parameters of the best epoch
 */
public record BackboneTrainingConfig(Optimizer optimizer, double learningRate, double momentum, Schedule schedule,
                                     int stepSize, double gamma, double weightDecay, int epochs, int batchSize,
                                     Augmentation augmentation, long seed, int patience) {

    /** The update rule. */
    public enum Optimizer {
        /** Stochastic gradient descent with Nesterov momentum: the usual choice for ResNets on CIFAR. */
        SGD_NESTEROV,
        /** Adam: less sensitive to the learning rate, often better for short runs. */
        ADAM
    }

    /** How the learning rate changes from epoch to epoch. */
    public enum Schedule {
        /** Half a cosine from the initial rate towards zero over all epochs. */
        COSINE,
        /** Multiply by {@code gamma} every {@code stepSize} epochs. */
        STEP
    }

    /**
     * @throws IllegalArgumentException naming the first field whose value is out of range
     */
    public BackboneTrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer must not be null");
        Objects.requireNonNull(schedule, "schedule must not be null");
        Objects.requireNonNull(augmentation, "augmentation must not be null");
        List<String> problems = problems(learningRate, momentum, stepSize, gamma, weightDecay, epochs, batchSize,
                patience);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static List<String> problems(double learningRate, double momentum, int stepSize, double gamma,
                                         double weightDecay, int epochs, int batchSize, int patience) {
        List<String> problems = new ArrayList<>();
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            problems.add("learningRate must be a positive number, was " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            problems.add("momentum must be in [0, 1), was " + momentum);
        }
        if (stepSize < 1) {
            problems.add("stepSize must be at least 1, was " + stepSize);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            problems.add("gamma must be in (0, 1], was " + gamma);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            problems.add("weightDecay must be 0 or a positive number, was " + weightDecay);
        }
        if (epochs < 1) {
            problems.add("epochs must be at least 1, was " + epochs);
        }
        if (batchSize < 1) {
            problems.add("batchSize must be at least 1, was " + batchSize);
        }
        if (patience < 0) {
            problems.add("patience must be 0 (off) or more, was " + patience);
        }
        return problems;
    }

    /**
     * A sound starting point: SGD with Nesterov momentum 0.9 at 0.05, cosine over 30 epochs, weight decay 5e-4,
     * batch 64, patience 10, seed 42. Augmentation follows the image kind: random crops and flips for RGB
     * (natural images), none for grayscale, where a flip can change what a digit or garment means.
     *
     * @param channels 1 for grayscale, 3 for RGB
     */
    public static BackboneTrainingConfig defaults(int channels) {
        Augmentation augmentation = channels == 3 ? Augmentation.CIFAR_STANDARD : Augmentation.NONE;
        return new BackboneTrainingConfig(Optimizer.SGD_NESTEROV, 0.05, 0.9, Schedule.COSINE, 10, 0.1, 5e-4, 30,
                64, augmentation, 42L, 10);
    }

    /**
     * The learning rate used throughout epoch {@code epoch}.
     *
     * @param epoch 0-based
     */
    public double learningRateAt(int epoch) {
        return switch (schedule) {
            case COSINE -> learningRate * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
            case STEP -> learningRate * Math.pow(gamma, epoch / stepSize);
        };
    }

    /** @return whether training stops early when validation accuracy stops improving */
    public boolean earlyStopping() {
        return patience > 0;
    }

    /**
     * @param channels 1 for grayscale, 3 for RGB: chooses the default augmentation
     * @return a builder holding the {@link #defaults(int)}, to change the settings by name
     */
    public static Builder builder(int channels) {
        return defaults(channels).toBuilder();
    }

    /** @return a builder holding these settings, to make a changed copy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Named setters over every setting; {@link #build()} validates them together. */
    public static final class Builder {
        private Optimizer optimizer;
        private double learningRate;
        private double momentum;
        private Schedule schedule;
        private int stepSize;
        private double gamma;
        private double weightDecay;
        private int epochs;
        private int batchSize;
        private Augmentation augmentation;
        private long seed;
        private int patience;

        private Builder(BackboneTrainingConfig from) {
            optimizer = from.optimizer;
            learningRate = from.learningRate;
            momentum = from.momentum;
            schedule = from.schedule;
            stepSize = from.stepSize;
            gamma = from.gamma;
            weightDecay = from.weightDecay;
            epochs = from.epochs;
            batchSize = from.batchSize;
            augmentation = from.augmentation;
            seed = from.seed;
            patience = from.patience;
        }

        public Builder optimizer(Optimizer value) {
            optimizer = value;
            return this;
        }

        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        public Builder schedule(Schedule value) {
            schedule = value;
            return this;
        }

        public Builder stepSize(int value) {
            stepSize = value;
            return this;
        }

        public Builder gamma(double value) {
            gamma = value;
            return this;
        }

        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder augmentation(Augmentation value) {
            augmentation = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder patience(int value) {
            patience = value;
            return this;
        }

        /** Decay by {@code factor} every {@code everyEpochs} epochs ({@link Schedule#STEP}). */
        public Builder stepSchedule(int everyEpochs, double factor) {
            schedule = Schedule.STEP;
            stepSize = everyEpochs;
            gamma = factor;
            return this;
        }

        /** @throws IllegalArgumentException naming every field whose value is out of range */
        public BackboneTrainingConfig build() {
            return new BackboneTrainingConfig(optimizer, learningRate, momentum, schedule, stepSize, gamma,
                    weightDecay, epochs, batchSize, augmentation, seed, patience);
        }
    }
}
