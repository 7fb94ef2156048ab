package org.exitbench.sweep;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.exitbench.calibrate.AccuracyBudget;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchTrainingMode;

/**
 * The result of one trial of a sweep: one configuration trained with one seed in every mode, each cascade
 * evaluated at the margin it was trained with and along its whole margin curve. Stored as its own JSON file, written
 * atomically, so a sweep can stop at any moment and resume. A trial that failed is stored too, with its error.
 *
 * <p>Only validation and test numbers are kept, never models: enough to choose operating points on validation
 * and report them on test afterwards, for any accuracy budget, without training again.
 *
 * @param key                   the configuration's {@link SweepConfiguration#key() key}
 * @param configuration         the configuration's id when the trial ran
 * @param labels                per axis, the configuration's value
 * @param seed                  the seed
 * @param error                 why the trial failed, or null when it finished
 * @param config                the effective experiment configuration, as JSON
 * @param backboneValidAccuracy the backbone's accuracy on the validation split
 * @param backboneTestAccuracy  the backbone's accuracy on the test split
 * @param modes                 one per training mode, in the definition's order (empty when failed)
 * @param seconds               the trial's wall time
 * @param finished              when it finished (UTC, ISO-8601)
 */
public record SweepResult(String key, String configuration, Map<String, String> labels, long seed, String error,
                          JsonNode config, double backboneValidAccuracy, double backboneTestAccuracy,
                          List<ModeResult> modes, double seconds, String finished) {

    /** The document type of a stored result. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE = JsonDocuments.DocumentType.of(
            "exitbench.sweep-result", 1);

    public SweepResult {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        modes = List.copyOf(modes);
    }

    /** @return whether the trial finished */
    public boolean succeeded() {
        return error == null;
    }

    /** @return the result of one mode, if the trial trained it */
    public Optional<ModeResult> mode(BranchTrainingMode mode) {
        String name = ExperimentConfig.modeName(mode);
        return modes.stream().filter(m -> m.mode().equals(name)).findFirst();
    }

    /**
     * One mode's cascade.
     *
     * @param mode             the mode's name ("boosted", "non-boosted", "soft")
     * @param exits            the backbone vertices of the trained branches, in cascade order
     * @param skipped          per skipped branch, "vertex: reason"
     * @param branchMacs       per trained branch, its MACs
     * @param trainingSeconds  wall time of its training and calibration
     * @param atTrainingMargin the cascade as trained: calibrated at the configuration's own margin
     * @param curve            the cascade re-calibrated at each margin of the sweep, in margin order (empty when
     *                         no branch was trained)
     * @param globalAtTrainingMargin one global threshold per exit (the same rule as CPM over all classes pooled)
     *                         at the training margin, on the same calibration images; null in sweeps before issue 17
     *                         and when no branch was trained
     * @param ceiling          what an oracle exit policy gets from these branches; null as above
     */
    public record ModeResult(String mode, List<String> exits, List<String> skipped, List<Long> branchMacs,
                             double trainingSeconds, Point atTrainingMargin, List<Point> curve,
                             Point globalAtTrainingMargin, Ceiling ceiling) {

        public ModeResult {
            exits = List.copyOf(exits);
            skipped = List.copyOf(skipped);
            branchMacs = List.copyOf(branchMacs);
            curve = List.copyOf(curve);
        }

        /**
         * The operating point a user would deploy for an accuracy budget: chosen on validation by
         * {@link AccuracyBudget}'s rule (the one the Calibration pane uses), reported on test. When no point of the
         * curve saves compute within the budget, the backbone alone: no reduction and no loss, since switching the
         * exits off is always possible.
         *
         * @param points the accuracy budget in percentage points
         */
        public Point atBudget(double points, double backboneValidAccuracy, double backboneTestAccuracy) {
            List<AccuracyBudget.Candidate> candidates = new ArrayList<>(curve.size());
            for (Point p : curve) {
                candidates.add(new AccuracyBudget.Candidate(100 * (backboneValidAccuracy - p.validAccuracy()),
                        p.validReduction(), p.validAccuracy()));
            }
            return AccuracyBudget.choose(candidates, points).map(curve::get).orElseGet(() ->
                    Point.backboneAlone(backboneValidAccuracy, backboneTestAccuracy, exits.size()));
        }
    }

    /**
     * The oracle exit policies of {@link org.exitbench.cascade.OracleExitPolicy} on the validation images that did
     * not calibrate CPM and on test: the best any threshold rule can do with a cascade's branches.
     *
     * @param rightValidReduction  first exit that is right: compute reduction on validation
     * @param rightTestAccuracy    the same on test: accuracy
     * @param rightTestReduction   and compute reduction
     * @param agreeValidReduction  first exit that agrees with the backbone: compute reduction on validation
     * @param agreeTestAccuracy    the same on test: accuracy (the backbone's)
     * @param agreeTestReduction   and compute reduction
     */
    public record Ceiling(double rightValidReduction, double rightTestAccuracy, double rightTestReduction,
                          double agreeValidReduction, double agreeTestAccuracy, double agreeTestReduction) {
    }

    /**
     * One operating point: the thresholds CPM gives at one margin, evaluated on both splits.
     *
     * @param margin         the CPM margin, or NaN for the backbone alone
     * @param validAccuracy  the cascade's accuracy on validation: the part that did not calibrate its thresholds
     *                       when the configuration has a calibration split, else the whole split
     * @param validReduction its compute reduction on validation
     * @param testAccuracy   its accuracy on test
     * @param testReduction  its compute reduction on test
     * @param testExitRates  the share of test samples leaving at each trained exit, then at the backbone head
     */
    public record Point(double margin, double validAccuracy, double validReduction, double testAccuracy,
                        double testReduction, List<Double> testExitRates) {

        public Point {
            testExitRates = List.copyOf(testExitRates);
        }

        /**
         * @param margin the CPM margin the thresholds were calibrated at
         * @param valid  the cascade under those thresholds on validation
         * @param test   the same on test
         * @return the point, with the test split's exit rates
         */
        public static Point of(double margin, CascadeResult valid, CascadeResult test) {
            List<Double> rates = new ArrayList<>(test.exitCount() + 1);
            for (int e = 0; e <= test.exitCount(); e++) {
                rates.add(test.exitRate(e));
            }
            return new Point(margin, valid.accuracy(), valid.computeReduction(), test.accuracy(),
                    test.computeReduction(), rates);
        }

        /** @return every sample through the whole backbone, no branch evaluated */
        static Point backboneAlone(double validAccuracy, double testAccuracy, int exits) {
            List<Double> rates = new ArrayList<>(Collections.nCopies(exits, 0.0));
            rates.add(1.0);
            return new Point(Double.NaN, validAccuracy, 0.0, testAccuracy, 0.0, rates);
        }

        /** @return whether this is the backbone alone rather than a calibrated cascade */
        @JsonIgnore
        public boolean isBackboneAlone() {
            return Double.isNaN(margin);
        }
    }
}
