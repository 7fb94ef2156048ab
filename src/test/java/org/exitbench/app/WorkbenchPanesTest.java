package org.exitbench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.controlsfx.control.GridView;
import org.exitbench.app.data.FolderChooser;
import org.exitbench.app.io.FileDialogs;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.PulseScheduler;
import org.exitbench.app.operatingpoint.TestSources;
import org.exitbench.app.shell.PaneStatus;
import org.exitbench.app.shell.WorkbenchPane;
import org.exitbench.app.task.FxTaskExecutor;
import org.exitbench.cascade.Thresholds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Calibration and Analysis panes in the whole window, headless, on synthetic demo scores for a small
 * generated dataset: thresholds shown, a slider moving the totals and the top bar, the gallery, and the
 * confusion matrix filtering it.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class WorkbenchPanesTest {

    private static final int CLASSES = 4;

    @TempDir
    Path temp;
    private FxTaskExecutor executor;
    private Workbench workbench;
    private Path chosenFile;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        FileDialogs files = FileDialogs.answering(() -> Optional.ofNullable(chosenFile));
        FolderChooser noFolder = (owner, start) -> Optional.empty();
        workbench = Workbench.create(executor, (folder, progress, cancel) -> TestSources.dataset(CLASSES, 150),
                noFolder, files, new PulseScheduler());
        stage.setScene(workbench.window().createScene());
        stage.show();
    }

    @AfterEach
    void stopTasks() {
        executor.close();
    }

    private OperatingPointResult openDemo(FxRobot robot) throws TimeoutException {
        robot.interact(() -> workbench.data().open(Path.of("/fixtures/tiny")));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> workbench.operatingPoint().resultProperty().get() != null
                        && workbench.curves().curvesProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        return workbench.operatingPoint().resultProperty().get();
    }

    /** Scrolls the column holding {@code query} until it is in view, as a user would (the chart above it is tall). */
    private static void scrollIntoView(FxRobot robot, String query) {
        Node node = robot.lookup(query).query();
        robot.interact(() -> {
            for (Parent up = node.getParent(); up != null; up = up.getParent()) {
                if (up instanceof ScrollPane scroll) {
                    Node content = scroll.getContent();
                    double y = content.sceneToLocal(node.localToScene(0, 0)).getY();
                    double free = content.getBoundsInLocal().getHeight() - scroll.getViewportBounds().getHeight();
                    scroll.setVvalue(free <= 0 ? 0 : Math.min(1, Math.max(0, (y - 10) / free)));
                    return;
                }
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Labeled.class).getText();
    }

    @Test
    void theCalibrationPaneShowsEveryThresholdOfTheDemoScores(FxRobot robot) throws TimeoutException {
        OperatingPointResult result = openDemo(robot);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();

        Thresholds thresholds = result.thresholds();
        Set<Node> cells = robot.lookup(".threshold-cell").queryAll();
        assertEquals(3 * CLASSES, cells.size());
        for (int k = 0; k < 3; k++) {
            for (int c = 0; c < CLASSES; c++) {
                assertEquals(DisplayText.threshold(thresholds.get(k, c)),
                        text(robot, "#threshold-" + k + "-" + c + " .threshold-value"), "exit " + k + ", class " + c);
            }
        }
        assertTrue(robot.lookup("#calibrationSyntheticBanner").query().isVisible());
        assertTrue(text(robot, "#totalsSplit").startsWith("Validation split · 600 images"));
        assertEquals("test · synthetic", text(robot, "#summarySplit"));
        assertEquals("synthetic demo scores", text(robot, "#topRun"));
        assertEquals(PaneStatus.READY, workbench.shell().statusProperty(WorkbenchPane.CALIBRATION).get());
    }

    @Test
    void movingASliderMovesTheTotalsAndTheTopBarAndCtrlZTakesItBack(FxRobot robot) throws TimeoutException {
        OperatingPointResult result = openDemo(robot);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        int busiest = 0;
        for (int c = 1; c < CLASSES; c++) {
            if (result.validation().exitedCount(0, c) > result.validation().exitedCount(0, busiest)) {
                busiest = c;
            }
        }
        List<String> before = List.of(text(robot, "#totalAccuracy"), text(robot, "#totalReduction"),
                text(robot, "#summaryAccuracy"), text(robot, "#summaryReduction"));

        Slider slider = robot.lookup("#threshold-0-" + busiest + " .threshold-slider").queryAs(Slider.class);
        robot.clickOn(slider.lookup(".thumb"));
        robot.type(KeyCode.END);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !text(robot, "#totalReduction").equals(before.get(1)));
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("never", text(robot, "#threshold-0-" + busiest + " .threshold-value"));
        List<String> after = List.of(text(robot, "#totalAccuracy"), text(robot, "#totalReduction"),
                text(robot, "#summaryAccuracy"), text(robot, "#summaryReduction"));
        for (int i = 0; i < before.size(); i++) {
            assertNotEquals(before.get(i), after.get(i), "figure " + i + " moved with the slider");
        }
        assertEquals(Double.POSITIVE_INFINITY, workbench.operatingPoint().thresholds().get(0, busiest));

        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> text(robot, "#totalReduction").equals(before.get(1)));
        assertEquals(before, List.of(text(robot, "#totalAccuracy"), text(robot, "#totalReduction"),
                text(robot, "#summaryAccuracy"), text(robot, "#summaryReduction")));
    }

    @Test
    void theCalibrationPaneOffersEveryExitRuleAndItsChartShowsTheCeiling(FxRobot robot) throws TimeoutException {
        openDemo(robot);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();

        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<org.exitbench.experiment.ExitRuleStudy.RuleChoice> rules = robot
                .lookup("#decisionRule").queryAs(javafx.scene.control.ComboBox.class);
        assertTrue(rules.isVisible());
        assertEquals(10, rules.getItems().size());
        assertEquals("max-softmax", rules.getValue().label());
        // The demo's synthetic scores carry no softmax outputs: a fitted rule is refused with a reason, and the
        // thresholds stay on max-softmax.
        robot.interact(() -> workbench.calibration().decisionRules()
                .choose(org.exitbench.experiment.ExitRuleStudy.RuleChoice.parse("temperature")));
        assertTrue(text(robot, "#decisionRuleStatus").contains("softmax output"));
        assertEquals("max-softmax", rules.getValue().label());
        assertTrue(robot.lookup("#calibrationChart .ceiling-point").query().isVisible());
    }

    @Test
    void theAnalysisChartShowsTheOracleCeilingWithALegendEntry(FxRobot robot) throws TimeoutException {
        openDemo(robot);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();

        org.exitbench.app.operatingpoint.CurveSet test = workbench.curves().curvesProperty().get()
                .primary(org.exitbench.data.Split.TEST);
        Node marker = robot.lookup("#analysisChart .ceiling-point").query();
        assertTrue(marker.isVisible());
        assertTrue(marker.localToScene(marker.getBoundsInLocal()).getWidth() > 0);
        String legend = text(robot, "#analysisChartCeilingLegend");
        assertTrue(legend.contains(DisplayText.percent(test.ceilingReduction())), legend);
        assertTrue(test.ceilingReduction() > 0);
    }

    @Test
    void theAnalysisGalleryShowsTheImagesOfExitOneAndAConfusionCellFiltersIt(FxRobot robot)
            throws TimeoutException {
        OperatingPointResult result = openDemo(robot);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();

        // Short of room, the matrix and the gallery take turns as tabs: the user opens the gallery's.
        robot.lookup("#galleryTab").tryQuery().ifPresent(robot::clickOn);
        WaitForAsyncUtils.waitForFxEvents();
        @SuppressWarnings("unchecked")
        GridView<Integer> gallery = robot.lookup("#exitGallery").queryAs(GridView.class);
        assertEquals(result.test().exitedCount(0), gallery.getItems().size());
        assertTrue(gallery.getItems().size() > 0);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#exitGallery .gallery-cell ImageView")
                .queryAllAs(ImageView.class).stream().anyMatch(v -> v.getImage() != null));
        for (ImageView view : robot.lookup("#exitGallery .gallery-cell ImageView").queryAllAs(ImageView.class)) {
            if (view.getImage() != null) {
                assertEquals(64, view.getImage().getWidth(), "4×4 images shown as 64×64 thumbnails");
            }
        }

        int[][] matrix = result.test().confusionMatrix(0);
        int trueClass = 2;
        int answer = matrix[2][1] > 0 ? 1 : 2;
        robot.lookup("#matrixTab").tryQuery().ifPresent(robot::clickOn);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#confusion-" + trueClass + "-" + answer);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(matrix[trueClass][answer], gallery.getItems().size());
        for (int sample : gallery.getItems()) {
            assertEquals(trueClass, result.source().primary().test().label(sample));
            assertEquals(answer, workbench.operatingPoint().resultProperty().get().testAnswerOf(sample));
        }
        Labeled chip = robot.lookup("#clearConfusionFilter").queryAs(Labeled.class);
        assertTrue(chip.isVisible());
        assertEquals("true class-c → class-" + (char) ('a' + answer) + "  ✕", chip.getText());
        assertTrue(text(robot, "#gallerySummary").contains("true class-c, answered"));

        robot.clickOn("#exitGallery .gallery-cell");
        WaitForAsyncUtils.waitForFxEvents();
        Label verdict = robot.lookup("#pathVerdict").queryAs(Label.class);
        assertTrue(verdict.getText().startsWith("Left at exit 1, answered class-"), verdict.getText());

        robot.clickOn(chip);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(result.test().exitedCount(0), gallery.getItems().size());
    }

    @Test
    void chartsAndTablesExportToTheChosenFiles(FxRobot robot) throws Exception {
        openDemo(robot);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();

        chosenFile = temp.resolve("chart.png");
        scrollIntoView(robot, "#exportAnalysisChart");
        robot.clickOn("#exportAnalysisChart");
        WaitForAsyncUtils.waitForFxEvents();
        byte[] png = Files.readAllBytes(chosenFile);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(text(robot, "#analysisMessage").startsWith("Saved the accuracy-vs-compute chart (test) to "));

        chosenFile = temp.resolve("distribution.csv");
        scrollIntoView(robot, "#exportDistributionCsv");
        robot.clickOn("#exportDistributionCsv");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(workbench.analysis().distributionCsv(), Files.readString(chosenFile));

        chosenFile = temp.resolve("curves.csv");
        scrollIntoView(robot, "#exportCurves");
        robot.clickOn("#exportCurves");
        WaitForAsyncUtils.waitForFxEvents();
        List<String> lines = Files.readAllLines(chosenFile);
        assertEquals("split,scores,curve,parameter,compute_reduction,accuracy,accuracy_change", lines.get(0));
        assertFalse(lines.size() < 10);
        assertNotNull(workbench.curves().curvesProperty().get());
    }

    @Test
    void theTopBarCutsNothingAtTheUsualWindowSizeNorWithProjectorSizedText(FxRobot robot) throws TimeoutException {
        openDemo(robot);
        robot.interact(() -> {
            // What the first launch shows once its run is done: the longest labels the bar usually holds.
            workbench.shell().backboneLabelProperty().unbind();
            workbench.shell().backboneLabelProperty().set("Small ResNet 16/32/64/128");
            workbench.shell().runLabelProperty().unbind();
            workbench.shell().runLabelProperty().set("20261125-115238 · boosted");
        });
        Node bar = robot.lookup("#topBar").query();
        double width = bar.getScene().getWidth();
        assertEquals(1280, width, "the window opens at 1280 × 800 on a 1280 × 800 screen");
        for (int step = 0; step < 5; step++) {
            WaitForAsyncUtils.waitForFxEvents();
            String size = "font step " + step;
            List<Labeled> labels = robot.from(bar).lookup((Node n) -> n instanceof Labeled && n.isVisible())
                    .queryAllAs(Labeled.class).stream().toList();
            assertTrue(labels.stream().anyMatch(l -> "Small ResNet 16/32/64/128".equals(l.getText())), size);
            assertTrue(labels.stream().anyMatch(l -> "test · synthetic".equals(l.getText())), size);
            for (Labeled label : labels) {
                label.getChildrenUnmodifiable().stream().filter(n -> n instanceof Text).map(n -> ((Text) n).getText())
                        .forEach(shown -> assertEquals(label.getText(), shown, size + ": shown in full"));
                Bounds inScene = label.localToScene(label.getBoundsInLocal());
                assertTrue(inScene.getMaxX() <= width + 0.5, size + ": " + label.getText() + " ends at "
                        + inScene.getMaxX());
            }
            assertTrue(bar.getBoundsInParent().getHeight() < 0.25 * bar.getScene().getHeight(),
                    size + ": the bar leaves the panes their room, " + bar.getBoundsInParent().getHeight());
            robot.interact(workbench.shell()::largerFont);
        }
    }

    @Test
    void theTrainingAndCalibrationLabelsAreShownInFullAtTheUsualWindowSizeWithProjectorSizedText(FxRobot robot)
            throws TimeoutException {
        openDemo(robot);
        double width = robot.lookup("#topBar").query().getScene().getWidth();
        assertEquals(1280, width);
        for (int step = 0; step < 5; step++) {
            String size = "font step " + step;
            robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
            WaitForAsyncUtils.waitForFxEvents();
            assertShownInFull(robot, "#branchType .label", "1-D conv · channels", size);
            assertShownInFull(robot, "#trainingAccuracyChart .axis-label", "%", size);
            assertShownInFull(robot, "#trainingLossChart .axis-label", "loss", size);
            // Two steps larger is what a projector needs (UX.md); beyond that the totals column is too narrow.
            if (step <= 2) {
                robot.press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
                WaitForAsyncUtils.waitForFxEvents();
                String backbone = DisplayText.percent(workbench.operatingPoint().resultProperty().get().validation()
                        .backboneAccuracy());
                assertShownInFull(robot, "#totalBackbone", backbone, size);
                assertShownInFull(robot, "#totalDrop", text(robot, "#totalDrop"), size);
            }
            robot.interact(workbench.shell()::largerFont);
        }
    }

    /** Asserts that a visible label among those {@code query} finds shows {@code expected} whole, inside the window. */
    private static void assertShownInFull(FxRobot robot, String query, String expected, String size) {
        List<Labeled> labels = robot.lookup(query).queryAllAs(Labeled.class).stream()
                .filter(l -> l.isVisible() && expected.equals(l.getText())).toList();
        assertFalse(labels.isEmpty(), size + ": no label " + query + " shows " + expected);
        for (Labeled label : labels) {
            label.getChildrenUnmodifiable().stream().filter(n -> n instanceof Text).map(n -> ((Text) n).getText())
                    .forEach(shown -> assertEquals(expected, shown, size + ": " + query + " shown in full"));
            Bounds inScene = label.localToScene(label.getBoundsInLocal());
            assertTrue(inScene.getMaxX() <= label.getScene().getWidth() + 0.5, size + ": " + query + " ends at "
                    + inScene.getMaxX());
        }
    }
}
