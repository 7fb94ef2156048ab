package org.exitbench.app;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.layout.Pane;
import javafx.stage.Window;

/**
 * The app as {@link Launcher} starts it, with files dropped on its window once it shows its first operating point:
 * for screenshots of what a drop shows (scripts/screenshots.sh, {@code SCREENSHOT_TRY}), since a virtual X display has
 * no file manager to drag from and GTK's folder dialog needs a D-Bus session. The drop goes through the scene's own
 * drop-target listener ({@link ToolkitDrop}), as in DropOnTheWindowTest.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:&lt;dependencies&gt; \
 *     -Dexitbench.drop=&lt;file or folder&gt;[,&lt;more&gt;] -Dexitbench.drop.next=1 -Dexitbench.drop.done=&lt;file&gt; \
 *     org.exitbench.app.DropHarness [workspace or dataset]
 * </pre>
 *
 * After the drop and {@code exitbench.drop.next} presses of › (each waited for), the file {@code exitbench.drop.done}
 * is written with the panel's name line: then the window shows what is to be captured. It holds the reason instead
 * when something did not happen in time.
 */
final class DropHarness {

    private static final long WAIT_SECONDS = 600;

    private DropHarness() {
    }

    public static void main(String[] args) throws Exception {
        List<File> dropped = Arrays.stream(System.getProperty("exitbench.drop", "").split(","))
                .filter(s -> !s.isBlank()).map(File::new).toList();
        int nexts = Integer.getInteger("exitbench.drop.next", 0);
        Path done = Path.of(System.getProperty("exitbench.drop.done", "drop-done.txt"));
        if (dropped.isEmpty()) {
            throw new IllegalArgumentException("name the files or folder to drop with -Dexitbench.drop=<path>");
        }
        Thread app = new Thread(() -> Launcher.main(args), "exitbench-app");
        app.start();
        try {
            Scene scene = await("the window's panes", () -> Window.getWindows().stream()
                    .map(Window::getScene).filter(s -> s != null && s.lookup("#analysisPane") != null
                            && !text(s, "#summaryAccuracy").isBlank()).findFirst().orElse(null));
            // The workspace's last steps after the first operating point (the other panes, preparing the cascade).
            Thread.sleep(5000);
            ToolkitDrop.Outcome outcome = onFx(() -> ToolkitDrop.dropFiles(scene, centre(scene), dropped));
            if (outcome.dropped() == null) {
                throw new IllegalStateException("the window refused the drop of " + dropped);
            }
            String name = awaitPath(scene, null);
            for (int i = 0; i < nexts; i++) {
                onFx(() -> {
                    ((Button) scene.lookup("#tryImageNext")).fire();
                    return null;
                });
                name = awaitPath(scene, name);
            }
            // Let the panel's last lines lay out and draw.
            Thread.sleep(1500);
            Files.writeString(done, name + System.lineSeparator());
        } catch (Exception | AssertionError e) {
            Files.writeString(done, "FAILED: " + e + System.lineSeparator());
            throw e;
        }
        app.join();
    }

    /** Waits until the panel shows a path for an image other than {@code previous}; returns its name line. */
    private static String awaitPath(Scene scene, String previous) throws Exception {
        return await("the dropped image's path", () -> {
            String name = text(scene, "#tryImageName");
            boolean steps = scene.lookup("#tryImageSteps") instanceof Pane pane && !pane.getChildren().isEmpty();
            return steps && !name.isBlank() && !name.equals(previous) && !text(scene, "#tryImageVerdict").isBlank()
                    ? name : null;
        });
    }

    private static Point2D centre(Scene scene) {
        return new Point2D(scene.getWidth() / 2, scene.getHeight() / 2);
    }

    private static String text(Scene scene, String id) {
        Node node = scene.lookup(id);
        return node instanceof Labeled label && label.getText() != null ? label.getText() : "";
    }

    /** Asks {@code probe} on the JavaFX thread every half second until it answers something. */
    private static <T> T await(String what, Supplier<T> probe) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < until) {
            T found;
            try {
                found = onFx(probe::get);
            } catch (IllegalStateException toolkitNotStarted) {
                found = null;
            }
            if (found != null) {
                return found;
            }
            Thread.sleep(500);
        }
        throw new TimeoutException(what + " did not appear within " + WAIT_SECONDS + " s");
    }

    private static <T> T onFx(Callable<T> action) throws IOException, InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(action.call());
            } catch (Exception | AssertionError e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the JavaFX thread did not answer within 60 s", e);
        }
    }
}
