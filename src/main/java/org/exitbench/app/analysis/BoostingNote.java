package org.exitbench.app.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.exitbench.app.operatingpoint.CascadeSource;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.ScoreSet;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.OracleExitPolicy;

/**
 * A short, honest account of what boosting changed in the shown run, from its own numbers: both modes calibrated
 * with the same CPM settings and read on test, and the ceiling an oracle exit policy reaches with each mode's
 * branches (so a gap reads as a matter of the branches or of the thresholds). For the teaching demo, where a
 * learner sees one run: the text says that one run is one seed at one margin, and that boosted branches judged at
 * another margin than their training margin see images they were not trained on.
 */
final class BoostingNote {

    /** How many of the classes an exit takes most the panel names. */
    private static final int TOP_CLASSES = 3;

    /** Ceilings closer than this (a fraction of the backbone's compute) count as equal. */
    private static final double SAME_CEILING = 0.01;

    private BoostingNote() {
    }

    /**
     * @param source   the shown cascade with its comparison
     * @param settings the current CPM settings
     * @return the note, or empty for synthetic scores or without a comparison
     */
    static Optional<String> of(CascadeSource source, CpmSettings settings) {
        if (source == null || source.synthetic() || source.comparison() == null || settings == null) {
            return Optional.empty();
        }
        Numbers a = numbers(source, source.primary(), settings);
        Numbers b = numbers(source, source.comparison(), settings);
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "What boosting changed here: both modes re-calibrated with CPM at "
                + "m = %.3f on the validation split give, on test, %.2f %% accuracy with %.1f %% less compute (%s) "
                + "and %.2f %% with %.1f %% (%s). ", settings.margin(), 100 * a.accuracy, 100 * a.reduction, a.name,
                100 * b.accuracy, 100 * b.reduction, b.name));
        text.append(String.format(Locale.ROOT, "Exiting wherever a branch agrees with the backbone would save "
                + "%.1f %% with the %s branches and %.1f %% with the %s ones at no loss; CPM reaches %.0f %% and %.0f "
                + "%% of that. ", 100 * a.ceiling, a.name, 100 * b.ceiling, b.name, share(a), share(b)));
        if (Math.abs(a.ceiling - b.ceiling) < SAME_CEILING) {
            text.append("Both modes' branches are about equally able here: what is left is in the thresholds, "
                    + "not in boosting. ");
        } else {
            Numbers better = a.ceiling > b.ceiling ? a : b;
            text.append("The ").append(better.name).append(" branches can take more images without changing an "
                    + "answer. ");
        }
        text.append("One run is one seed at one margin, and boosted branches learned from the survivors of the "
                + "training margin, so at another margin they see images they were not trained on; "
                + "docs/results/v2.md compares the modes at their training margins over seeds.");
        return Optional.of(text.toString());
    }

    private record Numbers(String name, double accuracy, double reduction, double ceiling) {
    }

    /**
     * One exit of one mode on the test split, at thresholds calibrated with the current CPM settings.
     *
     * @param reaching   test images that reach the exit (the survivors of the exits before it)
     * @param taken      of those, the images that leave there
     * @param precision  the share of those taken that it answers right
     * @param topClasses the classes it answers most among those it takes, most first ("trouser, bag, sandal")
     */
    record ModeAtExit(int reaching, int taken, double precision, String topClasses) {
    }

    /**
     * @param exit       "Exit 1" … "Backbone head"
     * @param primary    the shown mode there
     * @param comparison the other mode there
     */
    record ExitComparison(String exit, ModeAtExit primary, ModeAtExit comparison) {
    }

    /**
     * The two modes of the shown run exit by exit: what each branch takes of the images that reach it, and how
     * often it is right, for the "What boosting changes" panel.
     *
     * @param primaryName    the shown mode ("boosted")
     * @param comparisonName the other mode ("non-boosted")
     * @param exits          every exit, then the backbone head
     */
    record Comparison(String primaryName, String comparisonName, List<ExitComparison> exits) {
    }

    /**
     * @param source   the shown cascade with its comparison
     * @param settings the current CPM settings
     * @return both modes exit by exit, or empty for synthetic scores or without a comparison
     */
    static Optional<Comparison> perExit(CascadeSource source, CpmSettings settings) {
        if (source == null || source.synthetic() || source.comparison() == null || settings == null) {
            return Optional.empty();
        }
        CascadeResult a = testResult(source, source.primary(), settings);
        CascadeResult b = testResult(source, source.comparison(), settings);
        List<ExitComparison> exits = new ArrayList<>();
        for (int k = 0; k <= a.exitCount(); k++) {
            exits.add(new ExitComparison(DisplayText.exitTitle(k, a.exitCount()), atExit(a, k, source.classNames()),
                    atExit(b, k, source.classNames())));
        }
        return Optional.of(new Comparison(source.primary().name(), source.comparison().name(), exits));
    }

    private static CascadeResult testResult(CascadeSource source, ScoreSet set, CpmSettings settings) {
        return new CascadeEvaluator(set.test(), source.costModel())
                .evaluate(new CpmCalibrator(settings).calibrate(set.validation()));
    }

    private static ModeAtExit atExit(CascadeResult result, int exit, List<String> names) {
        Integer[] classes = new Integer[result.classCount()];
        for (int c = 0; c < classes.length; c++) {
            classes[c] = c;
        }
        Arrays.sort(classes, Comparator.comparingInt((Integer c) -> -result.exitedCount(exit, c)));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP_CLASSES, classes.length) && result.exitedCount(exit, classes[i]) > 0; i++) {
            top.add(names.get(classes[i]));
        }
        return new ModeAtExit(result.survivorCount(exit), result.exitedCount(exit), result.precision(exit),
                String.join(", ", top));
    }

    private static Numbers numbers(CascadeSource source, ScoreSet set, CpmSettings settings) {
        CascadeResult test = new CascadeEvaluator(set.test(), source.costModel())
                .evaluate(new CpmCalibrator(settings).calibrate(set.validation()));
        double ceiling = OracleExitPolicy.evaluate(set.test(), source.costModel(),
                OracleExitPolicy.Criterion.BACKBONE, null).computeReduction();
        return new Numbers(set.name(), test.accuracy(), test.computeReduction(), ceiling);
    }

    private static double share(Numbers n) {
        return n.ceiling > 0 ? 100 * n.reduction / n.ceiling : Double.NaN;
    }
}
