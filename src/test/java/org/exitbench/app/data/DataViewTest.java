package org.exitbench.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import org.controlsfx.control.GridView;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.data.Dataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Data pane on the bundled Fashion-MNIST sample, headless. */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class DataViewTest {

    private static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    private static final List<String> CLASSES = List.of("ankle-boot", "bag", "coat", "dress", "pullover",
            "sandal", "shirt", "sneaker", "t-shirt-top", "trouser");

    /** The sample, read once with the app's own reader: decoding 15,000 PNGs per test would be slow. */
    private static Dataset sample;

    @TempDir
    Path temp;
    private Path chosenFolder;
    private FxTaskExecutor executor;
    private DataViewModel model;

    @BeforeAll
    static void readSample() {
        sample = DatasetLoader.READERS.load(SAMPLE, ProgressListener.NONE, CancellationToken.NEVER);
    }

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        model = new DataViewModel(executor, (folder, progress, cancel) -> folder.equals(SAMPLE)
                ? sample : DatasetLoader.READERS.load(folder, progress, cancel));
        DataView view = new DataView(model, (owner, start) -> Optional.ofNullable(chosenFolder));
        stage.setScene(new javafx.scene.Scene((javafx.scene.Parent) view.node(), 1200, 800));
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    @Test
    void showsTheSamplesTenClassesAndPerSplitCounts(FxRobot robot) throws TimeoutException {
        openSample(robot);

        assertEquals("fashion-mnist", robot.lookup("#datasetName").queryLabeled().getText());
        String facts = robot.lookup("#datasetFacts").queryLabeled().getText();
        assertTrue(facts.startsWith("ImageFolder  ·  32 × 32 px, 1 channel (grayscale)  ·  10 classes, 15,000"
                + " images"), facts);

        TableView<ClassCountRow> table = robot.lookup("#countsTable").queryTableView();
        assertEquals(11, table.getItems().size());
        for (int c = 0; c < CLASSES.size(); c++) {
            assertEquals(new ClassCountRow(CLASSES.get(c), 1000, 250, 250), table.getItems().get(c));
        }
        assertEquals(new ClassCountRow("Total", 10000, 2500, 2500), table.getItems().get(10));

        BarChart<?, ?> chart = robot.lookup("#countsChart").queryAs(BarChart.class);
        assertEquals(List.of("train", "valid", "test"), chart.getData().stream().map(XYChart.Series::getName)
                .toList());
        for (XYChart.Series<?, ?> series : chart.getData()) {
            assertEquals(10, series.getData().size());
        }
        assertEquals(1000, ((Number) chart.getData().get(0).getData().get(3).getYValue()).intValue());

        assertEquals(11, robot.lookup("#classFilter").queryComboBox().getItems().size());
        assertEquals(10000, grid(robot).getItems().size());
        assertFalse(robot.lookup("#errorBanner").query().isVisible());
        assertFalse(robot.lookup("#warningsBanner").query().isVisible());
    }

    @Test
    void theThumbnailGridFollowsTheSplitAndClassFiltersAndRendersCrispThumbnails(FxRobot robot)
            throws TimeoutException {
        openSample(robot);

        robot.interact(() -> ((VirtualFlow<?>) grid(robot).lookup(".virtual-flow")).scrollTo(100));
        assertTrue(firstShownIndex(robot) > 0);
        robot.clickOn("#split-test");
        assertEquals(2500, grid(robot).getItems().size());
        assertEquals(0, firstShownIndex(robot), "a new filter starts at the top");
        ComboBox<ClassChoice> classes = robot.lookup("#classFilter").queryComboBox();
        robot.interact(() -> classes.getSelectionModel().select(new ClassChoice(1, "bag")));
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(250, grid(robot).getItems().size());
        assertEquals("250 of 2,500 test images", robot.lookup("#visibleSummary").queryLabeled().getText());
        for (int index : grid(robot).getItems()) {
            assertEquals(1, sample.split(org.exitbench.data.Split.TEST).label(index));
        }
        List<ImageView> shown = robot.lookup(".thumbnail-cell .image-view").queryAllAs(ImageView.class)
                .stream().filter(view -> view.getImage() != null).toList();
        assertFalse(shown.isEmpty());
        for (ImageView view : shown) {
            assertEquals(64, view.getImage().getWidth());
            assertFalse(view.isSmooth());
        }
    }

    @Test
    void openingABadFolderShowsAReadableErrorAndKeepsTheSample(FxRobot robot)
            throws TimeoutException, IOException {
        openSample(robot);
        Dataset before = model.datasetProperty().get();
        chosenFolder = Files.createDirectory(temp.resolve("holiday-photos"));
        Files.writeString(chosenFolder.resolve("notes.txt"), "not a dataset");

        robot.clickOn("#openButton");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !model.errorProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(robot.lookup("#errorBanner").query().isVisible());
        String error = robot.lookup("#errorText").queryAs(Label.class).getText();
        assertTrue(error.startsWith("Could not open the dataset. " + chosenFolder), error);
        assertTrue(error.endsWith("Still showing fashion-mnist."), error);
        assertFalse(error.contains("Exception") || error.contains("\tat "), error);
        assertSame(before, model.datasetProperty().get());
        assertEquals("fashion-mnist", robot.lookup("#datasetName").queryLabeled().getText());
        TableView<ClassCountRow> table = robot.lookup("#countsTable").queryTableView();
        assertEquals(new ClassCountRow("Total", 10000, 2500, 2500), table.getItems().get(10));

        robot.clickOn("Dismiss");
        assertFalse(robot.lookup("#errorBanner").query().isVisible());
    }

    /** @return the smallest image index among the grid cells on screen */
    private static int firstShownIndex(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        return robot.lookup(".thumbnail-cell").queryAllAs(ThumbnailCell.class).stream()
                .filter(cell -> cell.isVisible() && cell.getItem() != null && cell.getGraphic() != null)
                .mapToInt(ThumbnailCell::getItem).min().orElseThrow();
    }

    private void openSample(FxRobot robot) throws TimeoutException {
        robot.interact(() -> model.open(SAMPLE));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> model.datasetProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertNotNull(model.summaryProperty().get());
    }

    @SuppressWarnings("unchecked")
    private static GridView<Integer> grid(FxRobot robot) {
        return robot.lookup("#thumbnailGrid").queryAs(GridView.class);
    }
}
