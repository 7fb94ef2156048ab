package org.exitbench.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run being written: a hidden folder under {@code runs/} that becomes {@code runs/<id>} in one atomic rename
 * when complete. Closing a run that was not committed deletes the staging folder, so a failed or cancelled run
 * leaves nothing behind. Use it in a try-with-resources block.
 *
 * <p>The rename of a folder is atomic on one file system, so a reader never sees half a run, and a crash leaves
 * only a hidden staging folder that listings of runs ignore.
 */
public final class StagedRun implements AutoCloseable {

    /** The prefix of a staging folder: hidden, so listings of runs ignore it. */
    public static final String STAGING_PREFIX = ".staging-";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Different ids to try when the wanted one is taken, before giving up. */
    private static final int MAX_ATTEMPTS = 1000;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Path folder;
    private final ExclusiveLock lock;
    private Path committed;

    private StagedRun(Path folder, ExclusiveLock lock) {
        this.folder = folder;
        this.lock = lock;
    }

    /**
     * Creates an empty staging folder for a new run in {@code runsFolder}, creating that folder if needed.
     *
     * @throws UncheckedIOException when the folder cannot be created
     */
    public static StagedRun in(Path runsFolder) {
        try {
            Files.createDirectories(runsFolder);
            removeAbandoned(runsFolder);
            // The lock is taken before the folder exists and held while the run is written, so that another
            // process can tell a live staging folder (locked) from one a killed process left behind.
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Path staging = runsFolder.resolve(STAGING_PREFIX + Long.toUnsignedString(RANDOM.nextLong(), 36));
                ExclusiveLock lock = ExclusiveLock.onFile(staging, "writing a run", false);
                try {
                    Files.createDirectory(staging);
                    return new StagedRun(staging, lock);
                } catch (IOException e) {
                    lock.close();
                    if (!(e instanceof FileAlreadyExistsException)) {
                        throw e;
                    }
                }
            }
            throw new IllegalStateException("no free staging folder name in " + runsFolder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a run folder in " + runsFolder + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * @param name a folder name: letters, digits, '.', '_' and '-', not starting with a dot
     * @return {@code name}
     * @throws IllegalArgumentException when the name could escape its parent folder or hide itself
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid folder name: use letters, digits, '.', "
                    + "'_' and '-', up to 100 characters, not starting with a dot");
        }
        return name;
    }

    /** @return the staging folder to write the run's files into */
    public Path folder() {
        return folder;
    }

    /**
     * Moves the staging folder to {@code runs/<id>}, or to {@code runs/<id>-2}, {@code -3}, … when that name is
     * taken: an existing run is never replaced.
     *
     * @param id the wanted run id: letters, digits, '.', '_' and '-'
     * @return the run's final folder
     * @throws IllegalStateException when already committed
     * @throws UncheckedIOException  when the folder cannot be moved; the staging folder is then kept until
     *                               {@link #close()}
     */
    public Path commit(String id) {
        if (committed != null) {
            throw new IllegalStateException("the run was already committed to " + committed);
        }
        checkName(id);
        Path runs = folder.getParent();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Path target = runs.resolve(attempt == 1 ? id : id + "-" + attempt);
            // rename(2) would silently replace an existing empty folder; a taken name is skipped instead.
            if (Files.exists(target)) {
                continue;
            }
            try {
                Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
                committed = target;
                release(folder, lock);
                return target;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another writer took the name between the check and the move; try the next one.
            } catch (IOException e) {
                throw new UncheckedIOException("could not move the run into " + target + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no free run id after " + MAX_ATTEMPTS + " attempts starting at " + id);
    }

    /** Deletes the staging folder unless the run was committed. */
    @Override
    public void close() {
        if (committed != null) {
            return;
        }
        try {
            if (Files.exists(folder)) {
                deleteTree(folder, "the unfinished run");
            }
        } finally {
            release(folder, lock);
        }
    }

    /**
     * Removes the staging folders in {@code runsFolder} that no live process holds: what a killed process left.
     * A staging folder whose writer is still running is locked and kept.
     *
     * @return the folders removed
     */
    public static List<Path> removeAbandoned(Path runsFolder) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(runsFolder)) {
            return removed;
        }
        List<Path> staging;
        try (Stream<Path> entries = Files.list(runsFolder)) {
            staging = entries.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX)
                    && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + runsFolder + ": " + e.getMessage(), e);
        }
        for (Path folder : staging) {
            ExclusiveLock abandoned;
            try {
                abandoned = ExclusiveLock.onFile(folder, "removing an abandoned run", false);
            } catch (StoreException live) {
                continue;
            }
            try {
                deleteTree(folder, "the abandoned run");
                removed.add(folder);
            } finally {
                release(folder, abandoned);
            }
        }
        return removed;
    }

    private static void release(Path folder, ExclusiveLock lock) {
        lock.close();
        try {
            // Safe to delete: a staging name is never used twice, so nobody else can be waiting on this file.
            Files.deleteIfExists(ExclusiveLock.lockFileOf(folder));
        } catch (IOException ignored) {
            // A leftover hidden lock file is harmless.
        }
    }

    /**
     * Deletes a folder and everything in it.
     *
     * @param what what the folder is, for the error message ("the unfinished run")
     * @throws UncheckedIOException when something cannot be deleted
     */
    public static void deleteTree(Path folder, String what) {
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + what + " " + folder + ": " + e.getMessage(), e);
        }
    }
}
