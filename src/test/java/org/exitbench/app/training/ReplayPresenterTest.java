package org.exitbench.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The presenter's pace through a replayed demo: auto-play one step per beat, next / back by whole stages (back
 * lays the run out again and shows the earlier stages at once), pause, and the end reached once.
 */
class ReplayPresenterTest {

    /** What is on screen: the steps shown since the run was last laid out. */
    private final List<String> shown = new ArrayList<>();
    private int layOuts;
    private int finished;

    /** Two branches of two epochs and a "done" step each, then the end. */
    private List<List<Runnable>> layOut() {
        layOuts++;
        shown.clear();
        List<List<Runnable>> stages = new ArrayList<>();
        for (String branch : List.of("b1", "b2")) {
            stages.add(List.of(() -> shown.add(branch + "e1"), () -> shown.add(branch + "e2"),
                    () -> shown.add(branch + "done")));
        }
        stages.add(List.of(() -> shown.add("end")));
        return stages;
    }

    private ReplayPresenter presenter() {
        return new ReplayPresenter(this::layOut, () -> finished++);
    }

    @Test
    void autoPlayShowsOneStepPerBeatUntilTheEnd() {
        ReplayPresenter replay = presenter();
        assertEquals(3, replay.stageCountProperty().get());
        assertTrue(replay.autoProperty().get(), "a replay plays by itself until the presenter steps in");
        for (int beat = 0; beat < 6; beat++) {
            replay.tick();
        }
        assertEquals(List.of("b1e1", "b1e2", "b1done", "b2e1", "b2e2", "b2done"), shown);
        assertEquals(2, replay.stageProperty().get());
        assertEquals(0, finished);
        replay.tick();
        assertEquals(1, finished);
        assertFalse(replay.activeProperty().get());
        replay.tick();
        replay.next();
        replay.back();
        assertEquals(1, finished, "nothing moves once it ended");
        assertEquals(7, shown.size());
    }

    @Test
    void nextAndBackMoveByWholeStagesAndPause() {
        ReplayPresenter replay = presenter();
        replay.tick();
        replay.next();
        assertFalse(replay.autoProperty().get(), "stepping pauses the auto-play");
        assertEquals(List.of("b1e1", "b1e2", "b1done"), shown, "the rest of the begun stage");
        replay.tick();
        assertEquals(3, shown.size(), "paused: beats do nothing");
        replay.next();
        assertEquals(List.of("b1e1", "b1e2", "b1done", "b2e1", "b2e2", "b2done"), shown, "the whole next stage");

        replay.back();
        assertEquals(List.of("b1e1", "b1e2", "b1done"), shown, "laid out again, the first stage shown at once");
        assertEquals(1, replay.stageProperty().get());
        replay.back();
        assertEquals(List.of(), shown, "back to the start");
        replay.back();
        assertEquals(List.of(), shown);
        assertEquals(4, layOuts);

        replay.autoProperty().set(true);
        replay.tick();
        replay.back();
        assertEquals(List.of(), shown, "a begun stage goes back to its start");
        replay.finishNow();
        assertEquals(7, shown.size());
        assertEquals(1, finished);
    }
}
