package org.exitbench.app.training;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * A replayed demo run at the presenter's pace: its steps grouped in stages (one per branch, then the end). While
 * {@linkplain #autoProperty() auto} is on, the app's clock calls {@link #tick()} and the epochs play one by one;
 * {@link #next()} shows the rest of the stage at once (or the whole next one), {@link #back()} goes back one stage
 * (the run's layout is laid out again and the earlier stages shown at once), and both pause the auto-play so the
 * presenter can talk. After the last stage the replay ends: the run is shown as the demo shows it.
 */
public final class ReplayPresenter {

    private final Supplier<List<List<Runnable>>> layOut;
    private final Runnable finish;
    private List<List<Runnable>> stages;
    private int step;
    private final ReadOnlyIntegerWrapper stage = new ReadOnlyIntegerWrapper(this, "stage");
    private final ReadOnlyIntegerWrapper stageCount = new ReadOnlyIntegerWrapper(this, "stageCount");
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper(this, "active", true);
    private final BooleanProperty auto = new SimpleBooleanProperty(this, "auto", true);

    /**
     * @param layOut lays the run out afresh (its steps not yet shown) and returns its stages
     * @param finish ends the replay once every stage is shown
     */
    ReplayPresenter(Supplier<List<List<Runnable>>> layOut, Runnable finish) {
        this.layOut = Objects.requireNonNull(layOut, "layOut");
        this.finish = Objects.requireNonNull(finish, "finish");
        stages = layOut.get();
        stageCount.set(stages.size());
    }

    /** @return the stages shown completely so far (0 .. stage count) */
    public ReadOnlyIntegerProperty stageProperty() {
        return stage.getReadOnlyProperty();
    }

    /** @return how many stages the run has */
    public ReadOnlyIntegerProperty stageCountProperty() {
        return stageCount.getReadOnlyProperty();
    }

    /** @return whether the replay is still under way */
    public ReadOnlyBooleanProperty activeProperty() {
        return active.getReadOnlyProperty();
    }

    /** @return whether the steps play by themselves, one per tick */
    public BooleanProperty autoProperty() {
        return auto;
    }

    /** One beat of the auto-play: the next step, when auto is on. */
    public void tick() {
        if (active.get() && auto.get()) {
            runStep();
        }
    }

    /** Shows the rest of the current stage at once, or the whole next stage when none is begun; pauses. */
    public void next() {
        if (!active.get()) {
            return;
        }
        auto.set(false);
        int target = stage.get();
        do {
            runStep();
        } while (active.get() && stage.get() == target);
    }

    /** Goes back to the start of the previous stage (or the current one when it is begun); pauses. */
    public void back() {
        if (!active.get()) {
            return;
        }
        auto.set(false);
        int target = step > 0 ? stage.get() : Math.max(0, stage.get() - 1);
        stages = layOut.get();
        stage.set(0);
        step = 0;
        while (stage.get() < target) {
            runStep();
        }
    }

    /** Shows every remaining step at once and ends the replay. */
    public void finishNow() {
        while (active.get()) {
            runStep();
        }
    }

    private void runStep() {
        List<Runnable> current = stages.get(stage.get());
        current.get(step).run();
        step++;
        if (step == current.size()) {
            step = 0;
            stage.set(stage.get() + 1);
            if (stage.get() == stages.size()) {
                active.set(false);
                finish.run();
            }
        }
    }
}
