package org.exitbench.app.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javax.imageio.ImageIO;
import org.exitbench.store.AtomicFiles;

/** Writes what a node shows on screen as a PNG file, for charts and tables in reports and slides. */
public final class PngSnapshot {

    private PngSnapshot() {
    }

    /**
     * Captures {@code node} at its current size on a white background and writes it atomically. Call on the
     * JavaFX application thread.
     *
     * @throws IOException                when no PNG writer is available
     * @throws java.io.UncheckedIOException when the file cannot be written; an existing file is then left as
     *                                      it was
     */
    public static void write(Node node, Path target) throws IOException {
        SnapshotParameters parameters = new SnapshotParameters();
        parameters.setFill(Color.WHITE);
        WritableImage image = node.snapshot(parameters, null);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", png)) {
            throw new IOException("no PNG writer is available");
        }
        AtomicFiles.writeBytes(target, png.toByteArray());
    }
}
