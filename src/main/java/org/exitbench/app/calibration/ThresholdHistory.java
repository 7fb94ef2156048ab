package org.exitbench.app.calibration;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.exitbench.cascade.Thresholds;

/**
 * Undo and redo of threshold edits. Each entry is the whole threshold table before an edit (a few hundred
 * doubles), so any edit, a drag, a reset or a load, undoes in one step. The oldest entries are dropped beyond
 * {@value #CAPACITY}.
 */
public final class ThresholdHistory {

    static final int CAPACITY = 200;

    private record Entry(Thresholds thresholds, String action) {
    }

    private final Deque<Entry> undo = new ArrayDeque<>();
    private final Deque<Entry> redo = new ArrayDeque<>();
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final ReadOnlyStringWrapper undoAction = new ReadOnlyStringWrapper(this, "undoAction", "");
    private final ReadOnlyStringWrapper redoAction = new ReadOnlyStringWrapper(this, "redoAction", "");

    /**
     * Records an edit: {@code before} is what undo returns to. Clears what could be redone.
     *
     * @param before the thresholds before the edit
     * @param action what the edit was ("threshold of exit 1, coat"), for the undo button's tooltip
     */
    public void record(Thresholds before, String action) {
        undo.push(new Entry(before, action));
        while (undo.size() > CAPACITY) {
            undo.removeLast();
        }
        redo.clear();
        refresh();
    }

    /**
     * Records an edit that continues the latest one when that was the same kind of edit (a margin slider being
     * dragged): one undo step then goes back to before the whole drag.
     *
     * @param before the thresholds before this edit
     * @param action what the edit was; equal actions in a row are one step
     */
    public void recordContinuing(Thresholds before, String action) {
        if (!undo.isEmpty() && undo.peek().action().equals(action) && redo.isEmpty()) {
            return;
        }
        record(before, action);
    }

    /**
     * @param current the thresholds now, which redo will return to
     * @return the thresholds before the latest edit, or empty when there is nothing to undo
     */
    public Optional<Thresholds> undo(Thresholds current) {
        return move(undo, redo, current);
    }

    /**
     * @param current the thresholds now, which undo will return to
     * @return the thresholds of the latest undone edit, or empty when there is nothing to redo
     */
    public Optional<Thresholds> redo(Thresholds current) {
        return move(redo, undo, current);
    }

    /** Forgets every edit, as when the scores change and the old thresholds no longer apply. */
    public void clear() {
        undo.clear();
        redo.clear();
        refresh();
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }

    /** @return what undo would take back, or empty */
    public ReadOnlyStringProperty undoActionProperty() {
        return undoAction.getReadOnlyProperty();
    }

    /** @return what redo would apply again, or empty */
    public ReadOnlyStringProperty redoActionProperty() {
        return redoAction.getReadOnlyProperty();
    }

    private Optional<Thresholds> move(Deque<Entry> from, Deque<Entry> to, Thresholds current) {
        Entry entry = from.poll();
        if (entry == null) {
            return Optional.empty();
        }
        to.push(new Entry(current, entry.action()));
        refresh();
        return Optional.of(entry.thresholds());
    }

    private void refresh() {
        canUndo.set(!undo.isEmpty());
        canRedo.set(!redo.isEmpty());
        undoAction.set(undo.isEmpty() ? "" : undo.peek().action());
        redoAction.set(redo.isEmpty() ? "" : redo.peek().action());
    }
}
