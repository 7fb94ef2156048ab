package org.exitbench.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.exitbench.calibrate.CalibrationSplit;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.ExitCalibration;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.ScoreRows;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Split;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.SplitFeatures;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;

/**
 * Trains and calibrates the exit branches of a cascade from a {@link FeatureCache} alone; the backbone is never
 * run again.
 *
 * <p>Exits are handled in order, and every mode calibrates branch k with CPM on the validation samples that the
 * calibrated exits before it leave (the cascade's own order, so the thresholds equal what
 * {@link CpmCalibrator#calibrate} gives on the final scores). The modes differ in what branch k learns from:
 * <ul>
 *   <li>{@link BranchTrainingMode#BOOSTED} (BTS-EE, PAPER §2.5): the training samples the earlier exits did not
 *       take, with early stopping on the validation samples that reach exit k;</li>
 *   <li>{@link BranchTrainingMode#NON_BOOSTED}: all training samples, early stopping on all validation
 *       samples;</li>
 *   <li>{@link BranchTrainingMode#SOFT} (our reading of CalexNet's Eq. 13): all training samples weighted by
 *       {@link SoftSurvivalWeights}, early stopping on the validation samples that reach exit k.</li>
 * </ul>
 * With a {@link CalibrationSplit} that is on, "validation" above means its stopping part for early stopping, and
 * CPM calibrates on its calibration part alone (anchors included); the survivors of both parts are tracked with
 * the same thresholds. Off (the default), one validation split does both, as before.
 *
 * <p>An {@link EpochLength} of a fixed number of updates gives every branch the same training budget whatever the
 * number of rows it learns from; by default an epoch is one pass over them.
 *
 * <p>Which training samples an exit takes is decided by applying its calibrated thresholds to its predictions on
 * the training split, in-sample or cross-fitted ({@link SurvivorFiltering}).
 *
 * <p>A branch is skipped, with the reason in its {@link BranchOutcome}, when fewer than
 * {@link BranchTrainingSettings#minimumSurvivors()} training samples (total weight in the soft mode) or
 * validation samples reach it, or when the samples it would learn from all have the same target class. A
 * skipped branch is removed from the cascade, so it costs no MACs, and the next exit sees the same survivors.
 */
public final class BranchTrainer {

    /** In the soft mode, samples lighter than this do not count towards the classes a branch can learn. */
    private static final double LEARNABLE_WEIGHT = 0.01;

    private final BranchSpec spec;
    private final BranchTrainingSettings settings;
    private final CpmCalibrator calibrator;
    private final BranchFitMemo memo;
    private final EpochLength epochLength;
    private final CalibrationSplit calibrationSplit;

    public BranchTrainer(BranchSpec spec, BranchTrainingSettings settings, CpmSettings cpm) {
        this(spec, settings, cpm, null);
    }

    /**
     * A trainer with the fair-comparison protocol of issue 17.
     *
     * @param memo             shared fits, or null
     * @param epochLength      the updates per epoch
     * @param calibrationSplit how validation is divided between early stopping and CPM
     */
    public BranchTrainer(BranchSpec spec, BranchTrainingSettings settings, CpmSettings cpm, BranchFitMemo memo,
                         EpochLength epochLength, CalibrationSplit calibrationSplit) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.calibrator = new CpmCalibrator(Objects.requireNonNull(cpm, "cpm"));
        this.memo = memo;
        this.epochLength = Objects.requireNonNull(epochLength, "epochLength");
        this.calibrationSplit = Objects.requireNonNull(calibrationSplit, "calibrationSplit");
    }

    /**
     * A trainer that shares identical branch fits with other trainers through {@code memo}; its results are the
     * same as without one.
     *
     * @param memo shared fits, or null to fit every branch here
     */
    public BranchTrainer(BranchSpec spec, BranchTrainingSettings settings, CpmSettings cpm, BranchFitMemo memo) {
        this(spec, settings, cpm, memo, EpochLength.onePass(), CalibrationSplit.off());
    }

    private BranchFitter.Fitted fit(BranchFitter fitter, BranchInput input, BranchFitter.TrainingRows rows,
                                    BranchFitter.ValidationRows validation, long seed,
                                    BranchFitter.EpochRecorder recorder, CancellationToken cancel) {
        return memo == null ? fitter.fit(input, rows, validation, seed, recorder, cancel)
                : memo.fit(fitter, spec, settings, input, rows, validation, seed, recorder, cancel);
    }

    /** Trains a branch at every exit of the cache. */
    public BranchTrainingResult train(FeatureCache cache, ProgressListener progress, BranchTrainingListener listener,
                                      CancellationToken cancel) {
        int[] all = new int[cache.exitShapes().size()];
        Arrays.setAll(all, i -> i);
        return train(cache, all, progress, listener, cancel);
    }

    /**
     * Trains branches at the given exits of the cache.
     *
     * @param exits    feature-cache exit indices, strictly increasing
     * @param progress receives one report per epoch
     * @param listener receives every epoch and every branch outcome
     * @param cancel   checked before every mini-batch
     * @throws IllegalArgumentException when an exit does not exist, the list is not increasing, or the branch
     *                                  cannot read an exit's features (e.g. a 2-D branch on a C-vector cache)
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public BranchTrainingResult train(FeatureCache cache, int[] exits, ProgressListener progress,
                                      BranchTrainingListener listener, CancellationToken cancel) {
        checkExits(cache, exits);
        long started = System.nanoTime();
        Run run = new Run(cache, progress, listener, cancel);
        for (int j = 0; j < exits.length; j++) {
            cancel.throwIfCancelled();
            run.exit(exits[j], j, exits.length);
        }
        return run.result(Duration.ofNanos(System.nanoTime() - started));
    }

    private void checkExits(FeatureCache cache, int[] exits) {
        int available = cache.exitShapes().size();
        for (int j = 0; j < exits.length; j++) {
            if (exits[j] < 0 || exits[j] >= available) {
                throw new IllegalArgumentException("exit " + exits[j] + " does not exist; the feature cache has "
                        + available + " exits (0.." + (available - 1) + ")");
            }
            if (j > 0 && exits[j] <= exits[j - 1]) {
                throw new IllegalArgumentException("exits must be strictly increasing, were "
                        + Arrays.toString(exits));
            }
            spec.checkFits(BranchInput.of(cache, exits[j]));
        }
    }

    /** The state of one training run: survivors, soft weights and what has been trained so far. */
    private final class Run {
        private final FeatureCache cache;
        private final ProgressListener progress;
        private final BranchTrainingListener listener;
        private final CancellationToken cancel;
        private final SplitFeatures train;
        private final SplitFeatures valid;
        private final SplitFeatures test;
        private final float[] backboneTrain;
        private final float[] backboneValid;
        private final boolean[] trainAlive;
        private final boolean[] validAlive;
        private final boolean[] stopping;
        private final int[] calibrationRows;
        private final boolean[] calibrationAlive;
        private final double[] softWeights;
        private final List<BranchOutcome> outcomes = new ArrayList<>();
        private final List<ExitBranch> branches = new ArrayList<>();
        private final List<Integer> cacheExits = new ArrayList<>();
        private final List<float[]> validProbabilities = new ArrayList<>();
        private final List<float[]> testProbabilities = new ArrayList<>();
        private final List<double[]> thresholdRows = new ArrayList<>();

        Run(FeatureCache cache, ProgressListener progress, BranchTrainingListener listener, CancellationToken cancel) {
            this.cache = cache;
            this.progress = Objects.requireNonNull(progress, "progress");
            this.listener = Objects.requireNonNull(listener, "listener");
            this.cancel = Objects.requireNonNull(cancel, "cancel");
            this.train = cache.split(Split.TRAIN);
            this.valid = cache.split(Split.VALID);
            this.test = cache.split(Split.TEST);
            this.backboneTrain = TargetLabels.backboneProbabilities(train);
            this.backboneValid = TargetLabels.backboneProbabilities(valid);
            this.trainAlive = filled(train.size());
            this.validAlive = filled(valid.size());
            CalibrationSplit.Parts parts = calibrationSplit.split(valid.labels());
            this.stopping = parts.stoppingMask();
            this.calibrationRows = parts.calibration();
            this.calibrationAlive = filled(calibrationRows.length);
            this.softWeights = new double[train.size()];
            Arrays.fill(softWeights, 1.0);
        }

        void exit(int exit, int position, int count) {
            long started = System.nanoTime();
            String vertex = cache.exitShapes().get(exit).vertex();
            BranchInput input = BranchInput.of(cache, exit);
            BranchTrainingMode mode = settings.mode();
            int[] trainRows = mode == BranchTrainingMode.BOOSTED ? indices(trainAlive) : allRows(train.size());
            double[] weights = mode == BranchTrainingMode.SOFT ? softWeights.clone() : null;
            int[] validRows = indices(mode == BranchTrainingMode.NON_BOOSTED ? stopping : and(validAlive, stopping));
            int validReaching = Math.min(count(calibrationAlive), count(and(validAlive, stopping)));
            float[] targets = TargetLabels.of(settings.target(), settings.temperature(), train, trainRows);
            BranchFitter.TrainingRows rows = new BranchFitter.TrainingRows(train.features(exit), trainRows, targets,
                    weights);
            BranchOutcome.Reaching reaching = new BranchOutcome.Reaching(trainRows.length, rows.totalWeight(),
                    trainAlive, validAlive);
            String skip = skipReason(rows, validReaching, exit);
            if (skip != null) {
                finish(BranchOutcome.skipped(mode, exit, vertex, skip, reaching, elapsedSince(started)));
                return;
            }
            BranchFitter.ValidationRows validation = new BranchFitter.ValidationRows(valid.features(exit), validRows,
                    TargetLabels.of(settings.target(), settings.temperature(), valid, validRows),
                    select(valid.labels(), validRows));
            BranchFitter fitter = new BranchFitter(spec, settings,
                    epochLength.resolve(train.size(), settings.batchSize()));
            String what = String.format(Locale.ROOT, "%s: branch %d of %d (%s)", title(mode), position + 1, count,
                    vertex);
            BranchFitter.Fitted fitted = fit(fitter, input, rows, validation, seed(exit, -1),
                    recorder(exit, vertex, -1, rows, validRows.length, what), cancel);
            ExitBranch branch = fitted.branch();

            float[] validP = branch.probabilities(valid.features(exit), null);
            ExitScores validScores = ExitScores.fromProbabilities(new float[][] {validP}, backboneValid,
                    valid.labels(), cache.numClasses());
            ExitScores calibrationScores = ScoreRows.select(new float[][] {validP}, backboneValid, valid.labels(),
                    cache.numClasses(), calibrationRows);
            ExitCalibration calibration = calibrator.calibrateExit(calibrationScores, 0, calibrationAlive);
            boolean[] calibrationLeft = calibration.remaining(calibrationAlive);
            System.arraycopy(calibrationLeft, 0, calibrationAlive, 0, calibrationAlive.length);
            boolean[] validTaken = calibration.exitedAmong(validScores, 0, validAlive);
            for (int i = 0; i < validAlive.length; i++) {
                validAlive[i] &= !validTaken[i];
            }

            float[] trainP = trainingPredictions(fitter, branch, input, exit, rows, validation, what);
            ExitScores trainScores = ExitScores.fromProbabilities(new float[][] {trainP}, backboneTrain,
                    train.labels(), cache.numClasses());
            boolean[] trainTaken = calibration.exitedAmong(trainScores, 0, trainAlive);
            int trainExited = count(trainTaken);
            for (int i = 0; i < trainAlive.length; i++) {
                trainAlive[i] &= !trainTaken[i];
            }
            if (mode == BranchTrainingMode.SOFT) {
                SoftSurvivalWeights.applyExit(softWeights, trainScores, 0, calibration.rule(),
                        calibration.thresholds(), settings.softness());
            }

            branches.add(branch);
            cacheExits.add(exit);
            validProbabilities.add(validP);
            testProbabilities.add(branch.probabilities(test.features(exit), null));
            thresholdRows.add(calibration.thresholds());
            finish(BranchOutcome.trained(mode, exit, vertex, reaching, trainExited, count(validTaken), branch.macs(),
                    calibration, fitted.history(), fitted.bestEpoch(), elapsedSince(started)));
        }

        private void finish(BranchOutcome outcome) {
            outcomes.add(outcome);
            listener.onBranch(outcome);
        }

        /**
         * The branch's predictions on the whole training split, from which its exits there are decided: its own
         * (in-sample), or, when cross-fitted, out-of-fold predictions for the rows it learned from.
         */
        private float[] trainingPredictions(BranchFitter fitter, ExitBranch branch, BranchInput input, int exit,
                                            BranchFitter.TrainingRows rows, BranchFitter.ValidationRows validation,
                                            String what) {
            float[] features = train.features(exit);
            float[] predictions = branch.probabilities(features, null);
            if (settings.filtering() != SurvivorFiltering.CROSS_FITTED
                    || settings.mode() == BranchTrainingMode.NON_BOOSTED) {
                return predictions;
            }
            int folds = settings.crossFitFolds();
            int n = rows.rows().length;
            int[] foldOf = new int[n];
            for (int i = 0; i < n; i++) {
                foldOf[i] = i % folds;
            }
            SplittableRandom random = new SplittableRandom(seed(exit, folds));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = foldOf[i];
                foldOf[i] = foldOf[j];
                foldOf[j] = t;
            }
            int classes = cache.numClasses();
            for (int fold = 0; fold < folds; fold++) {
                BranchFitter.TrainingRows kept = subset(rows, foldOf, fold, false);
                int[] heldOut = subset(rows, foldOf, fold, true).rows();
                if (kept.rows().length == 0 || heldOut.length == 0) {
                    continue;
                }
                BranchFitter.Fitted copy = fit(fitter, input, kept, validation, seed(exit, fold),
                        recorder(exit, cache.exitShapes().get(exit).vertex(), fold, kept, validation.rows().length,
                                what + ", cross-fitting fold " + (fold + 1) + " of " + folds), cancel);
                float[] p = copy.branch().probabilities(features, heldOut);
                for (int i = 0; i < heldOut.length; i++) {
                    System.arraycopy(p, i * classes, predictions, heldOut[i] * classes, classes);
                }
            }
            return predictions;
        }

        /** The rows of {@code rows} in fold {@code fold} ({@code inFold}) or in every other fold. */
        private BranchFitter.TrainingRows subset(BranchFitter.TrainingRows rows, int[] foldOf, int fold,
                                                 boolean inFold) {
            int classes = cache.numClasses();
            int n = 0;
            for (int f : foldOf) {
                n += (f == fold) == inFold ? 1 : 0;
            }
            int[] picked = new int[n];
            float[] labels = new float[n * classes];
            double[] weights = rows.weights() == null ? null : new double[n];
            for (int i = 0, k = 0; i < foldOf.length; i++) {
                if ((foldOf[i] == fold) == inFold) {
                    picked[k] = rows.rows()[i];
                    System.arraycopy(rows.labels(), i * classes, labels, k * classes, classes);
                    if (weights != null) {
                        weights[k] = rows.weights()[i];
                    }
                    k++;
                }
            }
            return new BranchFitter.TrainingRows(rows.features(), picked, labels, weights);
        }

        private BranchFitter.EpochRecorder recorder(int exit, String vertex, int fold, BranchFitter.TrainingRows rows,
                                                    int validSamples, String what) {
            double weight = rows.totalWeight();
            return (epoch, trainLoss, validLoss, validAccuracy, best) -> {
                BranchEpoch record = new BranchEpoch(settings.mode(), exit, vertex, fold, epoch, trainLoss, validLoss,
                        validAccuracy, rows.rows().length, weight, validSamples, best);
                listener.onEpoch(record);
                progress.report(String.format(Locale.ROOT, "%s, epoch %d: loss %.4f, validation loss %.4f, "
                        + "accuracy %.1f %%", what, epoch, trainLoss, validLoss, 100 * validAccuracy), epoch,
                        settings.epochs());
                return record;
            };
        }

        /** Says why a branch cannot be trained here, or returns null when it can. */
        private String skipReason(BranchFitter.TrainingRows rows, int validReaching, int exit) {
            int minimum = settings.minimumSurvivors();
            String where = "exit " + (exit + 1) + " (" + cache.exitShapes().get(exit).vertex() + ")";
            double weight = rows.totalWeight();
            if (weight < minimum) {
                return settings.mode() == BranchTrainingMode.SOFT
                        ? String.format(Locale.ROOT, "the training samples that reach %s weigh %.1f in all, fewer "
                                + "than the minimum of %d", where, weight, minimum)
                        : "only " + rows.rows().length + " training samples reach " + where + ", fewer than the "
                                + "minimum of " + minimum;
            }
            if (validReaching < minimum) {
                return "only " + validReaching + " validation samples reach " + where + ", fewer than the minimum of "
                        + minimum + " (nothing left to calibrate on)";
            }
            int classes = cache.numClasses();
            int onlyClass = -1;
            for (int i = 0; i < rows.rows().length; i++) {
                if (rows.weights() != null && rows.weights()[i] < LEARNABLE_WEIGHT) {
                    continue;
                }
                int target = argmax(rows.labels(), i * classes, classes);
                if (onlyClass == -1) {
                    onlyClass = target;
                } else if (target != onlyClass) {
                    return null;
                }
            }
            return "all " + rows.rows().length + " training samples that reach " + where
                    + " have the same target class '" + cache.classNames().get(Math.max(onlyClass, 0)) + "'; a classifier needs at least two classes";
        }

        private long seed(int exit, int fold) {
            return settings.seed() * 1_000_003L + 7919L * (exit + 1) + 104_729L * (fold + 1);
        }

        BranchTrainingResult result(Duration elapsed) {
            int[] exits = cacheExits.stream().mapToInt(Integer::intValue).toArray();
            ExitScores validScores = null;
            ExitScores testScores = null;
            Thresholds thresholds = null;
            if (!branches.isEmpty()) {
                validScores = ExitScores.fromProbabilities(validProbabilities.toArray(float[][]::new), backboneValid,
                        valid.labels(), cache.numClasses());
                testScores = ExitScores.fromProbabilities(testProbabilities.toArray(float[][]::new),
                        TargetLabels.backboneProbabilities(test), test.labels(), cache.numClasses());
                thresholds = Thresholds.of(calibrator.settings().score(), thresholdRows.toArray(double[][]::new));
            }
            return new BranchTrainingResult(settings.mode(), spec, settings, calibrator.settings(), outcomes, branches,
                    exits, validProbabilities, testProbabilities, validScores, testScores, thresholds, elapsed);
        }
    }

    /** @return "Boosted", "Non-boosted" or "Soft" */
    static String title(BranchTrainingMode mode) {
        return switch (mode) {
            case BOOSTED -> "Boosted";
            case NON_BOOSTED -> "Non-boosted";
            case SOFT -> "Soft";
        };
    }

    private static Duration elapsedSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static int argmax(float[] values, int from, int n) {
        int best = 0;
        for (int c = 1; c < n; c++) {
            if (values[from + c] > values[from + best]) {
                best = c;
            }
        }
        return best;
    }

    private static boolean[] filled(int n) {
        boolean[] mask = new boolean[n];
        Arrays.fill(mask, true);
        return mask;
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** @return the positions of the true entries, ascending */
    static int[] indices(boolean[] mask) {
        int[] rows = new int[count(mask)];
        for (int i = 0, k = 0; i < mask.length; i++) {
            if (mask[i]) {
                rows[k++] = i;
            }
        }
        return rows;
    }

    private static boolean[] and(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] && b[i];
        }
        return out;
    }

    private static int[] allRows(int n) {
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        return rows;
    }

    private static int[] select(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }
}
