package org.exitbench.app.form;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import org.exitbench.train.BranchTrainingMode;

/** Which training modes are ticked: boosted (BTS-EE), non-boosted (the baseline) and soft (CalexNet's). */
public final class ModeChoice {

    private final BooleanProperty boosted = new SimpleBooleanProperty(this, "boosted");
    private final BooleanProperty nonBoosted = new SimpleBooleanProperty(this, "nonBoosted");
    private final BooleanProperty soft = new SimpleBooleanProperty(this, "soft");

    /** @param ticked the modes ticked at first */
    public ModeChoice(Collection<BranchTrainingMode> ticked) {
        show(ticked);
    }

    /** @return whether the boosted mode (BTS-EE) is ticked */
    public BooleanProperty boostedProperty() {
        return boosted;
    }

    /** @return whether the non-boosted mode, the baseline of the comparison, is ticked */
    public BooleanProperty nonBoostedProperty() {
        return nonBoosted;
    }

    /** @return whether the soft mode (CalexNet's cascade-aligned weighting) is ticked */
    public BooleanProperty softProperty() {
        return soft;
    }

    /** @return the three properties, for listeners that follow any change */
    public List<Observable> observables() {
        return List.of(boosted, nonBoosted, soft);
    }

    /** Ticks exactly {@code modes}. */
    public void show(Collection<BranchTrainingMode> modes) {
        boosted.set(modes.contains(BranchTrainingMode.BOOSTED));
        nonBoosted.set(modes.contains(BranchTrainingMode.NON_BOOSTED));
        soft.set(modes.contains(BranchTrainingMode.SOFT));
    }

    /** @return the modes ticked, in their declared order: boosted, non-boosted, soft */
    public List<BranchTrainingMode> selected() {
        List<BranchTrainingMode> modes = new ArrayList<>();
        if (boosted.get()) {
            modes.add(BranchTrainingMode.BOOSTED);
        }
        if (nonBoosted.get()) {
            modes.add(BranchTrainingMode.NON_BOOSTED);
        }
        if (soft.get()) {
            modes.add(BranchTrainingMode.SOFT);
        }
        return modes;
    }
}
