package org.exitbench.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.HandMadeScores;
import org.exitbench.cascade.SyntheticExitScores;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.Test;

/** CPM on hand-made scores whose thresholds are worked out in the comments. */
class CpmCalibratorTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double EPS = 1e-12;

    /*
     * One exit, two classes, ten samples. The exit answers class 0 for samples 0-7 with falling confidence:
     *
     *   sample          0     1     2     3     4     5     6     7
     *   confidence    0.95  0.90  0.85  0.80  0.75  0.70  0.65  0.60
     *   label           0     0     1     1     0     1     1     1      (right = label 0)
     *   prefix size     1     2     3     4     5     6     7     8
     *   precision     1     1    .667  .5    .6    .5   .429  .375
     *
     * Samples 8 and 9 (label 0) get answer 1 at 0.9 from the exit: both wrong, so class 1 can never reach a bar.
     * The backbone answers 0 on samples 0, 1, 4, 8 (label 0) and 2 (label 1): precision 4/5 = 0.8 on class 0;
     * it answers 1 on samples 3, 5, 6, 7 (label 1) and 9 (label 0): precision 0.8 on class 1.
     */
    private static ExitScores tenSamples() {
        return HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}},
                new float[][] {{0.95f, 0.90f, 0.85f, 0.80f, 0.75f, 0.70f, 0.65f, 0.60f, 0.90f, 0.90f}},
                new int[] {0, 0, 0, 1, 0, 1, 1, 1, 0, 1},
                new int[] {0, 0, 1, 1, 0, 1, 1, 1, 0, 0});
    }

    private static CpmSettings settings(double margin, MarginForm form, int support) {
        return CpmSettings.builder().margin(margin).marginForm(form).minimumSupport(support).build();
    }

    @Test
    void additiveMarginTakesTheLargestPrefixReachingAnchorMinusM() {
        // Bar 0.8 − 0.3 = 0.5 (0.5000000000000001 in binary: the prefix of 6 at exactly 0.5 still counts).
        ExitCalibration c = new CpmCalibrator(settings(0.3, MarginForm.ADDITIVE, 1))
                .calibrateExit(tenSamples(), 0, null);
        assertArrayEquals(new double[] {0.8, 0.8}, c.anchors(), EPS);
        assertEquals(0.5, c.bars()[0], EPS);
        assertEquals((double) 0.70f, c.thresholds()[0], 0.0);
        assertEquals(INF, c.thresholds()[1], "class 1: both candidates wrong, no prefix reaches the bar");
        assertArrayEquals(new boolean[] {true, true, true, true, true, true, false, false, false, false},
                c.exited());
        assertEquals(6, c.exitedCount());
    }

    @Test
    void multiplicativeMarginTakesTheLargestPrefixReachingOneMinusMTimesAnchor() {
        // Bar 0.7 × 0.8 = 0.56: the prefix of 5 (0.6) is the largest that reaches it.
        ExitCalibration c = new CpmCalibrator(settings(0.3, MarginForm.MULTIPLICATIVE, 1))
                .calibrateExit(tenSamples(), 0, null);
        assertEquals(0.56, c.bars()[0], EPS);
        assertEquals((double) 0.75f, c.thresholds()[0], 0.0);
    }

    @Test
    void minimumSupportRefusesPrefixesThatAreTooSmall() {
        // Multiplicative bar 0.56 is reached by prefixes of 1, 2, 3 and 5 samples only.
        assertEquals((double) 0.75f, new CpmCalibrator(settings(0.3, MarginForm.MULTIPLICATIVE, 5))
                .calibrateExit(tenSamples(), 0, null).thresholds()[0], 0.0);
        assertEquals(INF, new CpmCalibrator(settings(0.3, MarginForm.MULTIPLICATIVE, 6))
                .calibrateExit(tenSamples(), 0, null).thresholds()[0]);
        // Additive bar 0.5 is also reached by the prefix of 6.
        assertEquals((double) 0.70f, new CpmCalibrator(settings(0.3, MarginForm.ADDITIVE, 6))
                .calibrateExit(tenSamples(), 0, null).thresholds()[0], 0.0);
        // The default support of 30 is more than this exit ever sees.
        Thresholds defaults = new CpmCalibrator(CpmSettings.defaults()).calibrate(tenSamples());
        assertArrayEquals(new double[] {INF, INF}, defaults.row(0));
    }

    @Test
    void aClassWhoseBarIsUnreachableNeverExits() {
        // With m = 0 the bar is 0.8 on class 0: only the prefixes of 1 and 2 (precision 1) reach it.
        ExitCalibration strict = new CpmCalibrator(settings(0.0, MarginForm.ADDITIVE, 1))
                .calibrateExit(tenSamples(), 0, null);
        assertEquals((double) 0.90f, strict.thresholds()[0], 0.0);
        assertEquals(INF, strict.thresholds()[1]);
        // Even the loosest margin cannot help class 1: its candidates are all wrong, and precision 0 < 0.8 − 0.75.
        assertEquals(INF, new CpmCalibrator(settings(0.75, MarginForm.ADDITIVE, 1))
                .calibrateExit(tenSamples(), 0, null).thresholds()[1]);
    }

    @Test
    void aTieIsAdmittedWholeWhenTheWholeTieReachesTheBar() {
        /*
         * Class 0 candidates: 0.9 right; 0.8 right, wrong, wrong; 0.7 wrong. The backbone answers 0 on samples
         * 0-3 (labels 0, 0, 1, 1): anchor 0.5, and with m = 0 the bar is 0.5. Prefixes end after 1 (precision 1),
         * 4 (the whole tie: 2/4 = 0.5) and 5 (0.4) samples, so τ = 0.8 and all three tied samples exit.
         * Class 1: sample 5 at 0.9, right, against an anchor of 1 (the backbone's 1s, samples 4 and 5, are right).
         */
        ExitScores tied = HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 0, 0, 1}},
                new float[][] {{0.9f, 0.8f, 0.8f, 0.8f, 0.7f, 0.9f}},
                new int[] {0, 0, 0, 0, 1, 1},
                new int[] {0, 0, 1, 1, 1, 1});
        ExitCalibration c = new CpmCalibrator(settings(0.0, MarginForm.ADDITIVE, 1)).calibrateExit(tied, 0, null);
        assertArrayEquals(new double[] {0.5, 1.0}, c.anchors(), EPS);
        assertArrayEquals(new double[] {0.8f, 0.9f}, c.thresholds(), 0.0);
        assertArrayEquals(new boolean[] {true, true, true, true, false, true}, c.exited());
    }

    @Test
    void stoppingInsideATieIsNeverTheAnswer() {
        // Bar 0.6 (anchor 1.0, m = 0.4). Candidates: 0.9 right; 0.8 right, wrong, wrong; 0.7 wrong.
        // Prefix 1: 1.0 ✓. Prefix 4 (whole tie): 0.5 ✗. Prefix 5: 0.4 ✗. So τ = 0.9, not 0.8.
        ExitScores tied = HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 0, 0, 1}},
                new float[][] {{0.9f, 0.8f, 0.8f, 0.8f, 0.7f, 0.9f}},
                new int[] {0, 1, 1, 1, 1, 1},
                new int[] {0, 0, 1, 1, 1, 1});
        ExitCalibration c = new CpmCalibrator(settings(0.4, MarginForm.ADDITIVE, 1)).calibrateExit(tied, 0, null);
        assertEquals(1.0, c.anchors()[0], EPS);
        assertEquals((double) 0.9f, c.thresholds()[0], 0.0);
        assertArrayEquals(new boolean[] {true, false, false, false, false, true}, c.exited());
    }

    /*
     * One exit, two classes. Samples 0 and 1 did not survive to this exit (an earlier exit took them).
     *
     *   sample   label  backbone  exit answer @ conf   survivor
     *     0        0       0          0 @ 0.99           no
     *     1        0       0          0 @ 0.99           no
     *     2        0       0          0 @ 0.9            yes   right
     *     3        1       0          0 @ 0.8            yes   wrong
     *     4        0       0          0 @ 0.7            yes   right
     *     5        1       0          0 @ 0.6            yes   wrong
     *     6        1       1          1 @ 0.9            yes   right
     *     7        1       1          1 @ 0.8            yes   right
     *
     * Backbone precision on class 0: full set 4/6 = 0.667, survivors 2/4 = 0.5. With m = 0 the class-0 prefixes
     * (1, 0.5, 0.667, 0.5) give τ = 0.7 against the full anchor and τ = 0.6 against the survivors' anchor.
     */
    private static ExitScores withSurvivors() {
        return HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 0, 0, 0, 1, 1}},
                new float[][] {{0.99f, 0.99f, 0.9f, 0.8f, 0.7f, 0.6f, 0.9f, 0.8f}},
                new int[] {0, 0, 0, 0, 0, 0, 1, 1},
                new int[] {0, 0, 0, 1, 0, 1, 1, 1});
    }

    private static final boolean[] SURVIVORS = {false, false, true, true, true, true, true, true};

    @Test
    void theAnchorIsMeasuredOnTheFullSetOrOnTheSurvivors() {
        CpmSettings base = settings(0.0, MarginForm.ADDITIVE, 1);
        ExitCalibration full = new CpmCalibrator(base).calibrateExit(withSurvivors(), 0, SURVIVORS);
        assertEquals(4.0 / 6, full.anchors()[0], EPS);
        assertEquals((double) 0.7f, full.thresholds()[0], 0.0);
        assertEquals((double) 0.8f, full.thresholds()[1], 0.0);

        ExitCalibration onSurvivors = new CpmCalibrator(base.toBuilder().anchorSource(AnchorSource.SURVIVORS).build())
                .calibrateExit(withSurvivors(), 0, SURVIVORS);
        assertEquals(0.5, onSurvivors.anchors()[0], EPS);
        assertEquals((double) 0.6f, onSurvivors.thresholds()[0], 0.0);

        // Only survivors can exit, and the rest go on.
        assertArrayEquals(new boolean[] {false, false, true, true, true, true, true, true}, onSurvivors.exited());
        assertArrayEquals(new boolean[8], onSurvivors.remaining(SURVIVORS));
        assertArrayEquals(new boolean[] {false, false, false, false, false, true, false, false},
                full.remaining(SURVIVORS));
    }

    @Test
    void precisionCanBeMeasuredAgainstTheBackboneLabels() {
        // Against backbone labels every class-0 candidate is "right" (the backbone also says 0), so the whole
        // pool exits: τ = 0.6 even with the full anchor of 0.667.
        ExitCalibration c = new CpmCalibrator(settings(0.0, MarginForm.ADDITIVE, 1)
                .toBuilder().precisionReference(PrecisionReference.BACKBONE_LABELS).build())
                .calibrateExit(withSurvivors(), 0, SURVIVORS);
        assertEquals(4.0 / 6, c.anchors()[0], EPS, "the anchor stays the backbone's precision on ground truth");
        assertEquals((double) 0.6f, c.thresholds()[0], 0.0);
    }

    @Test
    void laterExitsAreCalibratedOnTheSamplesEarlierExitsLeft() {
        /*
         * Two exits, two classes, margin 0: bars equal the anchors, which are 1 (the backbone is always right).
         * Exit 0 answers 0 on all four: 0.9 right, 0.8 right, 0.7 wrong, 0.6 right → τ0[0] = 0.8, takes 0 and 1.
         * Exit 1 answers 1 @ 0.99 and 0.98 on samples 0 and 1 (both wrong), 1 @ 0.7 on sample 2 (right) and
         * 0 @ 0.9 on sample 3 (right). On the survivors {2, 3} τ1 = [0.9, 0.7]; had samples 0 and 1 been
         * counted, class 1 would start with two errors and never reach the bar.
         */
        ExitScores twoExits = HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 0}, {1, 1, 1, 0}},
                new float[][] {{0.9f, 0.8f, 0.7f, 0.6f}, {0.99f, 0.98f, 0.7f, 0.9f}},
                new int[] {0, 0, 1, 0},
                new int[] {0, 0, 1, 0});
        Thresholds t = new CpmCalibrator(settings(0.0, MarginForm.ADDITIVE, 1)).calibrate(twoExits);
        assertEquals(ExitRule.MAX_SOFTMAX, t.rule());
        assertArrayEquals(new double[] {0.8f, INF}, t.row(0), 0.0);
        assertArrayEquals(new double[] {0.9f, 0.7f}, t.row(1), 0.0);

        CascadeEvaluator evaluator = new CascadeEvaluator(twoExits,
                new CostModel(new long[] {1, 2}, new long[] {0, 0}, 3));
        assertEquals(1.0, evaluator.evaluate(t).accuracy(), 0.0);
        assertEquals(2, evaluator.evaluate(t).exitedCount(1));
    }

    @Test
    void lockedClassesKeepTheirThresholdsAndLaterExitsSeeWhatTheLocksLeave() {
        // The scores of the test above. Locking class 0 at +∞ on exit 0 keeps samples 0 and 1 alive to exit 1,
        // whose class 1 then starts with two errors and never reaches the bar.
        ExitScores twoExits = HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 0}, {1, 1, 1, 0}},
                new float[][] {{0.9f, 0.8f, 0.7f, 0.6f}, {0.99f, 0.98f, 0.7f, 0.9f}},
                new int[] {0, 0, 1, 0},
                new int[] {0, 0, 1, 0});
        CpmCalibrator cpm = new CpmCalibrator(settings(0.0, MarginForm.ADDITIVE, 1));
        Thresholds current = Thresholds.of(ExitRule.MAX_SOFTMAX, new double[][] {{INF, 0.5}, {0.1, 0.5}});

        Thresholds merged = cpm.calibrateAround(twoExits, current, new boolean[] {true, false});
        assertArrayEquals(new double[] {INF, INF}, merged.row(0), 0.0);
        assertArrayEquals(new double[] {0.1, INF}, merged.row(1), 0.0);

        assertEquals(cpm.calibrate(twoExits), cpm.calibrateAround(twoExits, current, new boolean[] {false, false}),
                "with nothing locked it is plain CPM");
        assertThrows(IllegalArgumentException.class, () -> cpm.calibrateAround(twoExits, current, new boolean[1]));
    }

    @Test
    void theExitedMaskIsExactlyWhatTheEvaluatorSendsOutAtThatExit() {
        ExitScores scores = SyntheticExitScores.generate(6_000, 3, 10, 21);
        CpmCalibrator cpm = new CpmCalibrator(CpmSettings.builder().margin(0.05).build());
        Thresholds t = cpm.calibrate(scores);
        CascadeEvaluator evaluator = new CascadeEvaluator(scores,
                new CostModel(new long[] {1, 2, 3}, new long[] {0, 0, 0}, 4));
        evaluator.evaluate(t);
        boolean[] alive = null;
        for (int k = 0; k < 3; k++) {
            ExitCalibration exit = cpm.calibrateExit(scores, k, alive);
            assertArrayEquals(t.row(k), exit.thresholds(), 0.0, "exit " + k);
            for (int i = 0; i < scores.sampleCount(); i++) {
                assertEquals(evaluator.exitOf(i) == k, exit.exits(i), "exit " + k + ", sample " + i);
            }
            alive = exit.remaining(alive);
            // Every class that exits at all reaches its bar on the calibration set.
            for (int c = 0; c < 10; c++) {
                if (exit.thresholds()[c] < INF) {
                    int taken = 0;
                    int right = 0;
                    for (int i = 0; i < scores.sampleCount(); i++) {
                        if (exit.exits(i) && scores.predicted(k, i) == c) {
                            taken++;
                            right += scores.label(i) == c ? 1 : 0;
                        }
                    }
                    assertTrue(taken >= 30, "minimum support");
                    assertTrue((double) right / taken >= exit.bars()[c] - 1e-9, "exit " + k + ", class " + c);
                }
            }
        }
    }

    @Test
    void anExitsThresholdsApplyToOtherSplitsForBoostedTraining() {
        // τ = [0.70, +∞] from the additive example; a "training" split with one exit and two classes.
        ExitCalibration c = new CpmCalibrator(settings(0.3, MarginForm.ADDITIVE, 1))
                .calibrateExit(tenSamples(), 0, null);
        ExitScores training = HandMadeScores.of(2,
                new int[][] {{0, 0, 0, 1, 0}},
                new float[][] {{0.71f, 0.70f, 0.69f, 0.99f, 0.95f}},
                new int[] {0, 0, 0, 0, 0},
                new int[] {0, 1, 0, 1, 0});
        boolean[] survivors = {true, true, true, true, false};
        // 0.71 and 0.70 reach τ = 0.70; 0.69 does not; class 1 never exits; sample 4 is not a survivor.
        assertArrayEquals(new boolean[] {true, true, false, false, false},
                c.exitedAmong(training, 0, survivors));
        assertEquals(ExitRule.MAX_SOFTMAX, c.rule());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.exitedAmong(training, 0, new boolean[2]));
        assertTrue(e.getMessage().startsWith("survivors has 2 entries"), e.getMessage());
    }

    @Test
    void aNegativeMarginRaisesTheBarAboveTheAnchorInBothForms() {
        CpmSettings additive = CpmSettings.builder().margin(-0.05).build();
        assertEquals(0.95, additive.bar(0.90), 1e-12);
        CpmSettings multiplicative = additive.toBuilder().marginForm(MarginForm.MULTIPLICATIVE).build();
        assertEquals(0.945, multiplicative.bar(0.90), 1e-12);
        // A bar above 1 cannot be met: no threshold qualifies, so the class never exits.
        assertEquals(1.05, additive.bar(1.0), 1e-12);
    }

    @Test
    void settingsAreValidatedNamingTheField() {
        assertMessage("margin must be in [-1.0, 1.0], was 1.5", () -> CpmSettings.builder().margin(1.5).build());
        assertMessage("margin must be in [-1.0, 1.0], was NaN",
                () -> CpmSettings.builder().margin(Double.NaN).build());
        assertMessage("margin must be in [-1.0, 1.0], was -1.1", () -> CpmSettings.builder().margin(-1.1).build());
        assertMessage("minimumSupport must be at least 1, was 0",
                () -> CpmSettings.builder().minimumSupport(0).build());
        assertMessage("marginForm is missing", () -> CpmSettings.builder().marginForm(null).build());
        assertMessage("score is missing", () -> CpmSettings.builder().score(null).build());
        CpmSettings d = CpmSettings.defaults();
        assertEquals(0.20, d.margin());
        assertEquals(30, d.minimumSupport());
        assertEquals(MarginForm.ADDITIVE, d.marginForm());
        assertEquals(AnchorSource.FULL_VALIDATION, d.anchorSource());
        assertEquals(PrecisionReference.GROUND_TRUTH, d.precisionReference());
        assertEquals(ExitRule.MAX_SOFTMAX, d.score());
    }

    @Test
    void survivorMasksOfTheWrongSizeAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CpmCalibrator(CpmSettings.defaults()).calibrateExit(tenSamples(), 0, new boolean[3]));
        assertTrue(e.getMessage().startsWith("survivors has 3 entries"), e.getMessage());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void theBuilderChangesOnlyTheSettingsItNames() {
        CpmSettings d = CpmSettings.defaults();
        assertEquals(d, CpmSettings.builder().build());
        assertEquals(d, d.toBuilder().build());
        assertEquals(new CpmSettings(0.05, MarginForm.ADDITIVE, AnchorSource.FULL_VALIDATION, 30,
                        PrecisionReference.GROUND_TRUTH, ExitRule.ENTROPY),
                d.toBuilder().margin(0.05).score(ExitRule.ENTROPY).build());
        assertEquals(0.20, d.margin(), "toBuilder leaves the original alone");
    }
}
