package org.exitbench.app.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that it holds either its old content or the complete new content, never part of it: the
 * bytes go to a hidden temporary file in the same folder, are forced to disk, and are renamed over the target.
 * On failure the target is untouched and the temporary file removed.
 *
 * <p>The app's exports and saved thresholds are small documents written at a user's request; the engine's
 * store writes its own, much larger files.
 */
public final class AtomicWrite {

    private AtomicWrite() {
    }

    /**
     * @param target  the file to create or replace; its folder must exist
     * @param content the new content
     * @throws IOException when it cannot be written; {@code target} is then as it was
     */
    public static void bytes(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Some network shares cannot rename atomically; the temporary file is complete, so this still
                // never leaves a half-written target.
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code text} in UTF-8; see {@link #bytes(Path, byte[])}. */
    public static void text(Path target, String text) throws IOException {
        bytes(target, text.getBytes(StandardCharsets.UTF_8));
    }
}
