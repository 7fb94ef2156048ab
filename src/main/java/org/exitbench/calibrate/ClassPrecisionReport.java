package org.exitbench.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.cascade.SurvivorStatistics;
import org.exitbench.cascade.Thresholds;

/**
 * The per-exit × per-class table a calibration view shows next to its threshold sliders, built from one
 * evaluation without another pass over the samples:
 * <pre>
 *   CascadeResult result = evaluator.evaluate(thresholds);
 *   ClassPrecisionReport table = ClassPrecisionReport.of(result, evaluator.survivorStatistics(), thresholds, settings);
 * </pre>
 * The "full" anchor is the backbone's precision over the samples evaluated, which is the whole validation
 * split unless the evaluation used a subset. Immutable.
 */
public final class ClassPrecisionReport {

    private final int exits;
    private final int classes;
    private final List<ClassReport> cells;

    private ClassPrecisionReport(int exits, int classes, List<ClassReport> cells) {
        this.exits = exits;
        this.classes = classes;
        this.cells = List.copyOf(cells);
    }

    /**
     * @param result     an evaluation of {@code thresholds}
     * @param survivors  the survivor statistics of the same evaluation
     * @param thresholds the thresholds evaluated
     * @param settings   which anchor, margin and precision reference to report against
     * @throws IllegalArgumentException when the three disagree in shape
     */
    public static ClassPrecisionReport of(CascadeResult result, SurvivorStatistics survivors, Thresholds thresholds,
            CpmSettings settings) {
        Objects.requireNonNull(settings, "settings");
        int exits = result.exitCount();
        int classes = result.classCount();
        if (survivors.exitCount() != exits || survivors.classCount() != classes
                || thresholds.exitCount() != exits || thresholds.classCount() != classes) {
            throw new IllegalArgumentException("result, survivor statistics and thresholds differ in shape");
        }
        boolean onSurvivors = settings.anchorSource() == AnchorSource.SURVIVORS;
        boolean againstTruth = settings.precisionReference() == PrecisionReference.GROUND_TRUTH;
        List<ClassReport> cells = new ArrayList<>(exits * classes);
        for (int k = 0; k < exits; k++) {
            for (int c = 0; c < classes; c++) {
                double anchor = onSurvivors ? survivors.backbonePrecisionAmongSurvivors(k, c)
                        : survivors.backbonePrecision(c);
                double precision = againstTruth ? result.precision(k, c) : survivors.agreementWithBackbone(k, c);
                cells.add(new ClassReport(k, c, thresholds.get(k, c), anchor, settings.bar(anchor), precision,
                        result.exitedCount(k, c), survivors.survivorCount(k, c)));
            }
        }
        return new ClassPrecisionReport(exits, classes, cells);
    }

    /** @return the cell of exit {@code exit} and class {@code predictedClass} */
    public ClassReport cell(int exit, int predictedClass) {
        Objects.checkIndex(exit, exits);
        return cells.get(exit * classes + Objects.checkIndex(predictedClass, classes));
    }

    /** @return every cell, exit by exit, class by class within an exit */
    public List<ClassReport> cells() {
        return cells;
    }
}
