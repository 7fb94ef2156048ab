package org.exitbench.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A workspace folder and its generic layout: {@code cache/<name>/} for feature caches and {@code runs/<run-id>/}
 * for results. What goes inside a run is the business of the layer that writes it; this class only guarantees
 * that a run appears complete or not at all and that no run is ever overwritten.
 *
 * <p>A run is written into a hidden staging folder, {@code runs/.staging-…}, and renamed to its final name when
 * complete ({@link StagedRun#commit}). The rename of a folder is atomic on one file system, so a reader never
 * sees half a run, and a crash leaves only a hidden staging folder that {@link #runs()} ignores.
 */
public final class Workspace {

    /** The folder of feature caches. */
    public static final String CACHE_FOLDER = "cache";
    /** The folder of runs. */
    public static final String RUNS_FOLDER = "runs";

    /** The prefix of a run folder being deleted: hidden, so {@link #runs()} no longer lists it. */
    private static final String DELETING_PREFIX = ".deleting-";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path root;

    /** A workspace at {@code root}; nothing is created until something is written. */
    public Workspace(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** @return the workspace folder */
    public Path root() {
        return root;
    }

    /** @return the folder for runs */
    public Path runsFolder() {
        return root.resolve(RUNS_FOLDER);
    }

    /**
     * @param name a folder name: letters, digits, '.', '_' and '-', not starting with a dot
     * @return the folder of the feature cache with that name (not created)
     */
    public Path cacheFolder(String name) {
        return root.resolve(CACHE_FOLDER).resolve(checkName(name));
    }

    /**
     * Creates an empty staging folder for a new run.
     *
     * @throws UncheckedIOException when the folder cannot be created
     */
    public StagedRun stageRun() {
        try {
            Files.createDirectories(runsFolder());
            return new StagedRun(Files.createTempDirectory(runsFolder(), StagedRun.STAGING_PREFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a run folder in " + runsFolder() + ": " + e.getMessage(),
                    e);
        }
    }

    /** @return the committed runs, sorted by name (run ids sort by time); empty when there are none */
    public List<Path> runs() {
        if (!Files.isDirectory(runsFolder())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(runsFolder())) {
            return entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + runsFolder() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes a committed run. The folder is first renamed to a hidden name in one atomic step, so the run
     * disappears from {@link #runs()} whole even if deleting its files is interrupted (what is left is hidden and
     * ignored).
     *
     * @param id the run's folder name, as {@link #runs()} lists it
     * @throws IllegalArgumentException when {@code id} is not a run of this workspace
     * @throws UncheckedIOException     when the folder cannot be moved or deleted
     */
    public void deleteRun(String id) {
        Path run = runsFolder().resolve(checkName(id));
        if (!Files.isDirectory(run)) {
            throw new IllegalArgumentException("there is no run '" + id + "' in " + runsFolder());
        }
        Path hidden = runsFolder().resolve(DELETING_PREFIX + id);
        try {
            for (int attempt = 2; Files.exists(hidden); attempt++) {
                hidden = runsFolder().resolve(DELETING_PREFIX + id + "-" + attempt);
            }
            Files.move(run, hidden, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the run " + run + ": " + e.getMessage(), e);
        }
        StagedRun.deleteTree(hidden, "the deleted run");
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid folder name: use letters, digits, '.', "
                    + "'_' and '-', up to 100 characters, not starting with a dot");
        }
        return name;
    }
}
