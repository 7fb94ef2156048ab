package org.exitbench.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How exit branches are trained. The papers state none of these values except the distillation temperature
 * T = 4 (CalexNet README); the defaults are ours, chosen so that three small branches train on a cached sample
 * in seconds.
 *
 * @param mode             boosted, non-boosted or soft (PAPER §2.5, §3.1)
 * @param target           backbone argmax, ground truth or distillation
 * @param temperature      the distillation temperature T (the loss is scaled by T²); positive
 * @param softness         β of the soft mode's smooth exit probability σ((s − τ)/β); positive
 * @param epochs           the most epochs per branch; at least 1
 * @param learningRate     Adam's learning rate; positive
 * @param batchSize        samples per mini-batch; at least 1
 * @param weightDecay      decoupled weight decay; 0 or more
 * @param patience         stop after this many epochs without a lower validation loss; 0 trains all epochs.
 *                         Either way the branch keeps the parameters of its best epoch
 * @param minimumSurvivors a branch whose training or validation survivors are fewer is skipped; at least 1
 * @param filtering        whose predictions decide which training samples an exit takes
 * @param crossFitFolds    folds of {@link SurvivorFiltering#CROSS_FITTED}; 2 to 10
 * @param seed             the seed of weight initialisation and data order: the same seed trains the same
 *                         branches
 */
public record BranchTrainingSettings(BranchTrainingMode mode, BranchTarget target, double temperature,
                                     double softness, int epochs, double learningRate, int batchSize,
                                     double weightDecay, int patience, int minimumSurvivors,
                                     SurvivorFiltering filtering, int crossFitFolds, long seed) {

    /** CalexNet's distillation temperature. */
    public static final double DEFAULT_TEMPERATURE = 4.0;

    /** @throws IllegalArgumentException naming every field whose value is out of range */
    public BranchTrainingSettings {
        Objects.requireNonNull(mode, "mode is missing");
        Objects.requireNonNull(target, "target is missing");
        Objects.requireNonNull(filtering, "filtering is missing");
        List<String> problems = new ArrayList<>();
        positive(problems, "temperature", temperature);
        positive(problems, "softness", softness);
        positive(problems, "learningRate", learningRate);
        if (epochs < 1) {
            problems.add("epochs must be at least 1, was " + epochs);
        }
        if (batchSize < 1) {
            problems.add("batchSize must be at least 1, was " + batchSize);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            problems.add("weightDecay must be 0 or a positive number, was " + weightDecay);
        }
        if (patience < 0) {
            problems.add("patience must be 0 (off) or more, was " + patience);
        }
        if (minimumSurvivors < 1) {
            problems.add("minimumSurvivors must be at least 1, was " + minimumSurvivors);
        }
        if (crossFitFolds < 2 || crossFitFolds > 10) {
            problems.add("crossFitFolds must be 2 to 10, was " + crossFitFolds);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            problems.add(name + " must be a positive number, was " + value);
        }
    }

    /**
     * Boosted, backbone-argmax targets, T = 4, β = 0.05, up to 15 epochs of Adam at 0.01 in batches of 256,
     * weight decay 1e-4, patience 3, at least 50 survivors, in-sample filtering (2 folds when cross-fitted),
     * seed 42. On the sample's cache, Adam at 0.01 in batches of 256 reached a higher validation accuracy in
     * fewer steps than 3e-3 in batches of 128 (each DL4J step costs about the same for such small networks).
     */
    public static BranchTrainingSettings defaults() {
        return new BranchTrainingSettings(BranchTrainingMode.BOOSTED, BranchTarget.BACKBONE_ARGMAX,
                DEFAULT_TEMPERATURE, 0.05, 15, 0.01, 256, 1e-4, 3, 50, SurvivorFiltering.IN_SAMPLE, 2, 42L);
    }

    /** @return a builder holding the {@link #defaults()}, to change the settings by name */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** @return a builder holding these settings, to make a changed copy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Named setters over every setting; {@link #build()} validates them together. */
    public static final class Builder {
        private BranchTrainingMode mode;
        private BranchTarget target;
        private double temperature;
        private double softness;
        private int epochs;
        private double learningRate;
        private int batchSize;
        private double weightDecay;
        private int patience;
        private int minimumSurvivors;
        private SurvivorFiltering filtering;
        private int crossFitFolds;
        private long seed;

        private Builder(BranchTrainingSettings from) {
            mode = from.mode;
            target = from.target;
            temperature = from.temperature;
            softness = from.softness;
            epochs = from.epochs;
            learningRate = from.learningRate;
            batchSize = from.batchSize;
            weightDecay = from.weightDecay;
            patience = from.patience;
            minimumSurvivors = from.minimumSurvivors;
            filtering = from.filtering;
            crossFitFolds = from.crossFitFolds;
            seed = from.seed;
        }

        public Builder mode(BranchTrainingMode value) {
            mode = value;
            return this;
        }

        public Builder target(BranchTarget value) {
            target = value;
            return this;
        }

        public Builder temperature(double value) {
            temperature = value;
            return this;
        }

        public Builder softness(double value) {
            softness = value;
            return this;
        }

        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        public Builder patience(int value) {
            patience = value;
            return this;
        }

        public Builder minimumSurvivors(int value) {
            minimumSurvivors = value;
            return this;
        }

        public Builder filtering(SurvivorFiltering value) {
            filtering = value;
            return this;
        }

        public Builder crossFitFolds(int value) {
            crossFitFolds = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** @throws IllegalArgumentException naming every field whose value is out of range */
        public BranchTrainingSettings build() {
            return new BranchTrainingSettings(mode, target, temperature, softness, epochs, learningRate, batchSize,
                    weightDecay, patience, minimumSurvivors, filtering, crossFitFolds, seed);
        }
    }
}
