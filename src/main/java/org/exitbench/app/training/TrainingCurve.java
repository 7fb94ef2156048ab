package org.exitbench.app.training;

import java.util.Objects;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.train.BranchTrainingMode;

/**
 * The epochs of one network trained in a run: an exit branch of one mode, or the backbone when a new one is
 * trained first. Points are added as epochs finish.
 */
public final class TrainingCurve {

    private final BranchTrainingMode mode;
    private final int exit;
    private final String label;
    private final ObservableList<CurvePoint> points = FXCollections.observableArrayList();
    private final ObservableList<CurvePoint> pointsView = FXCollections.unmodifiableObservableList(points);

    /**
     * @param mode  the branch's training mode, or {@code null} for the backbone
     * @param exit  the branch's exit (0-based), or −1 for the backbone
     * @param label what the legend calls it ("exit 1 · stage1", "backbone")
     */
    public TrainingCurve(BranchTrainingMode mode, int exit, String label) {
        this.mode = mode;
        this.exit = exit;
        this.label = Objects.requireNonNull(label, "label");
    }

    /** @return the training mode, or {@code null} for the backbone */
    public BranchTrainingMode mode() {
        return mode;
    }

    /** @return the exit (0-based), or −1 for the backbone */
    public int exit() {
        return exit;
    }

    /** @return whether this is the backbone's curve */
    public boolean isBackbone() {
        return mode == null;
    }

    public String label() {
        return label;
    }

    /** @return the epochs so far; read-only */
    public ObservableList<CurvePoint> points() {
        return pointsView;
    }

    void add(CurvePoint point) {
        points.add(point);
    }
}
