package org.exitbench.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes files so that a reader sees either the complete old content or the complete new content, never a mix
 * or a half-written file: the content goes to a temporary file in the target's folder, is forced to disk, and
 * then replaces the target by an atomic rename. A crash or an exception at any point leaves the previous file
 * untouched and removes the temporary one (or, after a hard crash, leaves only a hidden {@code .tmp} file).
 */
public final class AtomicFiles {

    /** The suffix of the temporary files; a leftover one is never read as a result. */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /** Produces a file's content into a stream. */
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * @param out the stream to write to; closed by the caller
         * @throws IOException when writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Produces a file's content into a channel, for large binary files written in blocks. */
    @FunctionalInterface
    public interface ChannelWriter {
        /**
         * @param channel the channel to write to, positioned at 0; closed by the caller
         * @throws IOException when writing fails; the target is then left as it was
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Replaces {@code target} atomically with what {@code writer} produces, creating parent folders as needed.
     *
     * @throws UncheckedIOException when the content cannot be written or moved into place; {@code target} is then
     *                              unchanged
     */
    public static void write(Path target, ContentWriter writer) {
        writeChannel(target, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            writer.writeTo(out);
            out.flush();
        });
    }

    /**
     * Removes the temporary files that writers killed mid-write (SIGKILL, power loss) left in a folder: hidden
     * files ending in {@link #TEMP_SUFFIX}. Call it only while holding the folder's {@link ExclusiveLock}, so that no
     * live writer's file is among them.
     *
     * @return the files removed, for the user to be told
     * @throws UncheckedIOException when the folder cannot be listed or a leftover cannot be removed
     */
    public static List<Path> removeLeftovers(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX) && Files.isRegularFile(file,
                        LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(file);
                    removed.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove what a killed writer left in " + folder + ": "
                    + e.getMessage(), e);
        }
        return removed;
    }

    /** Replaces {@code target} atomically with the given bytes. */
    public static void writeBytes(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }

    /** Replaces {@code target} atomically with the given text in UTF-8. */
    public static void writeString(Path target, String content) {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code target} atomically with what {@code writer} writes into a file channel.
     *
     * @throws UncheckedIOException when the content cannot be written or moved into place; {@code target} is then
     *                              unchanged
     */
    public static void writeChannel(Path target, ChannelWriter writer) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, "." + absolute.getFileName() + ".", TEMP_SUFFIX);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.writeTo(channel);
                channel.force(true);
            }
            moveIntoPlace(temp, absolute);
            temp = null;
            forceFolder(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The temporary file is hidden and never read; the original error matters more.
                }
            }
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Only on file systems without atomic rename (some network shares); still never half-written,
            // because the temporary file is complete before the move starts.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename itself durable; not every platform can open a folder, which is harmless. */
    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open folders as channels; the rename is still atomic there.
        }
    }
}
