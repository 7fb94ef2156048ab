package org.exitbench.app.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.exitbench.app.data.DataViewModel;
import org.exitbench.app.data.TestDatasets;
import org.exitbench.app.task.SynchronousTaskExecutor;
import org.junit.jupiter.api.Test;

/** The main window's state, without the JavaFX toolkit. */
class ShellViewModelTest {

    private final DataViewModel data = new DataViewModel(new SynchronousTaskExecutor(),
            (folder, progress, cancel) -> TestDatasets.balanced("pets", List.of("cat", "dog"), 4));
    private final ShellViewModel shell = new ShellViewModel(data);

    @Test
    void startsOnTheDataPaneAndSwitchesPanes() {
        assertEquals(WorkbenchPane.DATA, shell.selectedPaneProperty().get());

        shell.select(WorkbenchPane.CALIBRATION);
        assertEquals(WorkbenchPane.CALIBRATION, shell.selectedPaneProperty().get());

        shell.selectedPaneProperty().set(null);
        assertEquals(WorkbenchPane.CALIBRATION, shell.selectedPaneProperty().get());
    }

    @Test
    void theDataDotTopBarAndTitleFollowTheOpenDataset() {
        assertEquals(PaneStatus.EMPTY, shell.statusProperty(WorkbenchPane.DATA).get());
        assertEquals("none", shell.datasetLabelProperty().get());
        assertEquals("Exitbench", shell.windowTitleProperty().get());

        data.open(Path.of("/data/pets"));

        assertEquals(PaneStatus.READY, shell.statusProperty(WorkbenchPane.DATA).get());
        assertEquals("pets", shell.datasetLabelProperty().get());
        assertEquals("Exitbench — pets", shell.windowTitleProperty().get());
        for (WorkbenchPane later : List.of(WorkbenchPane.TRAINING, WorkbenchPane.CALIBRATION,
                WorkbenchPane.ANALYSIS)) {
            assertEquals(PaneStatus.EMPTY, shell.statusProperty(later).get());
        }
        assertEquals("none", shell.backboneLabelProperty().get());
        assertEquals("none", shell.runLabelProperty().get());
    }

    @Test
    void fontSizeStepsUpAndDownWithinItsRange() {
        int smallest = ShellViewModel.FONT_SIZES.get(0);
        int largest = ShellViewModel.FONT_SIZES.get(ShellViewModel.FONT_SIZES.size() - 1);
        assertEquals(smallest, shell.fontSizeProperty().get());

        shell.smallerFont();
        assertEquals(smallest, shell.fontSizeProperty().get());
        shell.largerFont();
        assertEquals(ShellViewModel.FONT_SIZES.get(1), shell.fontSizeProperty().get());
        for (int i = 0; i < 10; i++) {
            shell.largerFont();
        }
        assertEquals(largest, shell.fontSizeProperty().get());
        shell.defaultFont();
        assertEquals(smallest, shell.fontSizeProperty().get());
    }

    @Test
    void panesAreNumberedForTheirShortcutsInNavigationOrder() {
        assertEquals(List.of(1, 2, 3, 4), List.of(WorkbenchPane.values()).stream()
                .map(WorkbenchPane::shortcutDigit).toList());
        assertEquals("status-stale", PaneStatus.STALE.styleClass());
    }
}
