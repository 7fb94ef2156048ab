package org.exitbench.app.operatingpoint;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.Thresholds;

/**
 * Everything the operating point is computed from: the scores of the validation (calibration) and test splits,
 * what each exit costs, the class names, and where each sample's picture is. A trained run provides one; until
 * there is one, {@link SyntheticCascadeSource} makes demo scores, and says so in {@link #name()}.
 *
 * <p>Two score sets can be compared: {@link #primary()} is the one the thresholds act on, {@link #comparison()}
 * (for example non-boosted branches next to boosted ones) only adds reference curves to the charts.
 *
 * @param name       what the top bar and the panes call these scores ("synthetic demo scores", a run id)
 * @param synthetic  whether the scores are generated rather than produced by trained branches; the panes then
 *                   say so wherever numbers appear
 * @param classNames the class names, index = class
 * @param costModel  the MACs of each exit
 * @param primary    the scores the thresholds act on
 * @param comparison a second score set drawn as reference curves, or {@code null}
 * @param images     the picture of each sample
 * @param thresholds the thresholds to start from (a run's saved ones), or {@code null} to start from CPM with
 *                   the current settings
 */
public record CascadeSource(String name, boolean synthetic, List<String> classNames, CostModel costModel,
        ScoreSet primary, ScoreSet comparison, SampleImages images, Thresholds thresholds) {

    /** @throws IllegalArgumentException when the parts disagree in the number of exits or classes */
    public CascadeSource {
        Objects.requireNonNull(name, "name");
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(costModel, "costModel");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(images, "images");
        if (classNames.size() != primary.classCount()) {
            throw new IllegalArgumentException(name + ": " + classNames.size() + " class names for scores of "
                    + primary.classCount() + " classes");
        }
        if (costModel.exitCount() != primary.exitCount()) {
            throw new IllegalArgumentException(name + ": the cost model has " + costModel.exitCount()
                    + " exits, the scores " + primary.exitCount());
        }
        if (comparison != null && (comparison.exitCount() != primary.exitCount()
                || comparison.classCount() != primary.classCount())) {
            throw new IllegalArgumentException(name + ": the comparison scores '" + comparison.name() + "' have "
                    + comparison.exitCount() + " exits × " + comparison.classCount() + " classes, the primary "
                    + primary.exitCount() + " × " + primary.classCount());
        }
        if (thresholds != null && (thresholds.exitCount() != primary.exitCount()
                || thresholds.classCount() != primary.classCount())) {
            throw new IllegalArgumentException(name + ": the thresholds are " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes, the scores " + primary.exitCount() + " × "
                    + primary.classCount());
        }
    }

    /** @return K, the number of exit branches */
    public int exitCount() {
        return primary.exitCount();
    }

    /** @return C */
    public int classCount() {
        return primary.classCount();
    }

    /** @return the second score set, if any */
    public Optional<ScoreSet> comparisonSet() {
        return Optional.ofNullable(comparison);
    }

    /** @return the saved thresholds to start from, if any */
    public Optional<Thresholds> initialThresholds() {
        return Optional.ofNullable(thresholds);
    }

    /** @return a copy called {@code newName} */
    public CascadeSource withName(String newName) {
        return new CascadeSource(newName, synthetic, classNames, costModel, primary, comparison, images, thresholds);
    }

    /** @return a copy that starts from {@code startThresholds} (or from CPM when {@code null}) */
    public CascadeSource withThresholds(Thresholds startThresholds) {
        return new CascadeSource(name, synthetic, classNames, costModel, primary, comparison, images, startThresholds);
    }
}
