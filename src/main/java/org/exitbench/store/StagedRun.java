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
import java.util.regex.Pattern;

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

    private final Path folder;
    private Path committed;

    private StagedRun(Path folder) {
        this.folder = folder;
    }

    /**
     * Creates an empty staging folder for a new run in {@code runsFolder}, creating that folder if needed.
     *
     * @throws UncheckedIOException when the folder cannot be created
     */
    public static StagedRun in(Path runsFolder) {
        try {
            Files.createDirectories(runsFolder);
            return new StagedRun(Files.createTempDirectory(runsFolder, STAGING_PREFIX));
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
        if (committed != null || !Files.exists(folder)) {
            return;
        }
        deleteTree(folder, "the unfinished run");
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
