package org.exitbench.app;

import com.sun.javafx.scene.SceneHelper;
import com.sun.javafx.tk.TKClipboard;
import com.sun.javafx.tk.TKDropTargetListener;
import com.sun.javafx.tk.TKScene;
import java.io.File;
import java.lang.reflect.Field;
import java.security.AccessControlContext;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.scene.input.DataFormat;
import javafx.scene.input.TransferMode;
import javafx.util.Pair;

/**
 * Drops files on a window the way the operating system's drag and drop does, for tests and screenshots: TestFX can
 * neither build a {@code Dragboard} nor drag from outside the application. The scene's own drop-target listener
 * (the one the toolkit calls when a file manager drags over the window) is handed a clipboard holding the files, and
 * is driven through enter, over and drop at a point of the scene. So the scene picks the node under the point, makes
 * the {@code DragEvent}s and their {@code Dragboard} itself, and delivers them through the same event dispatch as a
 * real drop: only the native side (GTK's drag source) is left out.
 *
 * <p>Uses toolkit internals ({@code com.sun.javafx.*}, the peer's listener field), reachable because the tests run
 * JavaFX from the class path, not as modules. Call on the JavaFX thread.
 */
final class ToolkitDrop {

    private ToolkitDrop() {
    }

    /**
     * Drags {@code files} over {@code scene} at {@code where} (scene coordinates) and drops them there.
     *
     * @return what the window answered: the transfer mode it accepted while the files were over it, and the one it
     *         completed the drop with; either null when refused
     */
    static Outcome dropFiles(Scene scene, Point2D where, List<File> files) {
        return drop(scene, where, Map.of(DataFormat.FILES, List.copyOf(files)));
    }

    /** Drags content of the given formats over {@code scene} at {@code where} and drops it there. */
    static Outcome drop(Scene scene, Point2D where, Map<DataFormat, Object> content) {
        TKDropTargetListener target = dropTarget(scene);
        FixedClipboard board = new FixedClipboard(content);
        Point2D screen = scene.getRoot().localToScreen(scene.getRoot().sceneToLocal(where));
        double x = where.getX();
        double y = where.getY();
        target.dragEnter(x, y, screen.getX(), screen.getY(), TransferMode.COPY, board);
        TransferMode over = target.dragOver(x, y, screen.getX(), screen.getY(), TransferMode.COPY);
        if (over == null) {
            // The window refused what is dragged over it: the user lets go and nothing is dropped.
            target.dragExit(x, y, screen.getX(), screen.getY());
            return new Outcome(null, null);
        }
        return new Outcome(over, target.drop(x, y, screen.getX(), screen.getY(), over));
    }

    /** @return the listener the scene gave its peer for drops from outside the application */
    private static TKDropTargetListener dropTarget(Scene scene) {
        TKScene peer = SceneHelper.getPeer(scene);
        if (peer == null) {
            throw new IllegalStateException("the scene is not shown: it has no peer to drop on");
        }
        for (Class<?> type = peer.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField("dropTargetListener");
                field.setAccessible(true);
                TKDropTargetListener listener = (TKDropTargetListener) field.get(peer);
                if (listener == null) {
                    throw new IllegalStateException("the scene's peer " + peer.getClass().getName()
                            + " has no drop target listener");
                }
                return listener;
            } catch (NoSuchFieldException e) {
                // Declared on a superclass (GlassScene): look there.
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read the drop target listener of " + type.getName(), e);
            }
        }
        throw new IllegalStateException("the scene's peer " + peer.getClass().getName()
                + " has no dropTargetListener field (another toolkit than Quantum?)");
    }

    /**
     * @param over     the transfer mode accepted while dragging over the window, or null
     * @param dropped  the transfer mode the drop completed with, or null
     */
    record Outcome(TransferMode over, TransferMode dropped) {
    }

    /** What a drag source offers: fixed content, copy only, no drag image. */
    private static final class FixedClipboard implements TKClipboard {

        private final Map<DataFormat, Object> content;

        FixedClipboard(Map<DataFormat, Object> content) {
            this.content = new LinkedHashMap<>(content);
        }

        @Override
        @SuppressWarnings("removal")
        public void setSecurityContext(AccessControlContext context) {
        }

        @Override
        public Set<DataFormat> getContentTypes() {
            return content.keySet();
        }

        @Override
        @SafeVarargs
        public final boolean putContent(Pair<DataFormat, Object>... pairs) {
            throw new UnsupportedOperationException("a drop target does not write to the drag source's board");
        }

        @Override
        public Object getContent(DataFormat format) {
            return content.get(format);
        }

        @Override
        public boolean hasContent(DataFormat format) {
            return content.containsKey(format);
        }

        @Override
        public Set<TransferMode> getTransferModes() {
            return EnumSet.of(TransferMode.COPY);
        }

        @Override
        public void setDragView(Image image) {
        }

        @Override
        public void setDragViewOffsetX(double offsetX) {
        }

        @Override
        public void setDragViewOffsetY(double offsetY) {
        }

        @Override
        public Image getDragView() {
            return null;
        }

        @Override
        public double getDragViewOffsetX() {
            return 0;
        }

        @Override
        public double getDragViewOffsetY() {
            return 0;
        }
    }
}
