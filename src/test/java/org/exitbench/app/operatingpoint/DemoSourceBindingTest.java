package org.exitbench.app.operatingpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.beans.property.SimpleObjectProperty;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Synthetic demo scores follow the open dataset until a trained run's scores take over. */
@Tag("slow")
class DemoSourceBindingTest {

    private final SynchronousTaskExecutor executor = new SynchronousTaskExecutor();
    private final SimpleObjectProperty<Dataset> dataset = new SimpleObjectProperty<>();
    private final OperatingPointModel point = new OperatingPointModel(UpdateScheduler.IMMEDIATE);

    @Test
    void anOpenDatasetGetsSyntheticScoresForItsOwnValidationAndTestImages() {
        new DemoSourceBinding(dataset, point, executor);
        assertNull(point.sourceProperty().get());
        Dataset tiny = TestSources.dataset(4, 6);

        dataset.set(tiny);

        CascadeSource source = point.sourceProperty().get();
        assertTrue(source.synthetic());
        assertEquals(SyntheticCascadeSource.NAME, source.name());
        assertEquals(tiny.classNames(), source.classNames());
        assertArrayEquals(tiny.split(Split.TEST).labels(), labels(source.primary().test()));
        assertArrayEquals(tiny.split(Split.VALID).labels(), labels(source.primary().validation()));
        SampleImage fifth = source.images().image(Split.TEST, 5).orElseThrow();
        assertSame(tiny.split(Split.TEST), fifth.images());
        assertEquals(5, fifth.index());
        assertTrue(source.images().image(Split.TEST, tiny.split(Split.TEST).size()).isEmpty());
        assertEquals(List.of("Making synthetic demo scores for tiny"), executor.submitted());
        assertEquals(DemoSourceBinding.DEMO_MARGIN, point.settingsProperty().get().margin(),
                "untouched default settings start the demo at its margin");
    }

    @Test
    void settingsTheUserChoseAreKept() {
        point.settingsProperty().set(CpmSettings.builder().margin(0.1).build());
        new DemoSourceBinding(dataset, point, executor);
        dataset.set(TestSources.dataset(3, 4));
        assertEquals(0.1, point.settingsProperty().get().margin());
    }

    @Test
    void aTrainedRunsScoresAreNeverReplacedByDemoScores() {
        new DemoSourceBinding(dataset, point, executor);
        dataset.set(TestSources.dataset(3, 4));
        CascadeSource trained = new CascadeSource("run-1", false, List.of("class-a", "class-b", "class-c"),
                SyntheticCascadeSource.demoCostModel(3), point.sourceProperty().get().primary(), null,
                SampleImages.NONE, null);
        point.setSource(trained);

        dataset.set(TestSources.dataset(3, 8));
        dataset.set(null);

        assertSame(trained, point.sourceProperty().get());
    }

    @Test
    void closingTheDatasetClearsTheDemo() {
        new DemoSourceBinding(dataset, point, executor);
        dataset.set(TestSources.dataset(3, 4));
        dataset.set(null);
        assertNull(point.sourceProperty().get());
        assertNull(point.resultProperty().get());
    }

    private static int[] labels(org.exitbench.cascade.ExitScores scores) {
        int[] labels = new int[scores.sampleCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = scores.label(i);
        }
        return labels;
    }
}
