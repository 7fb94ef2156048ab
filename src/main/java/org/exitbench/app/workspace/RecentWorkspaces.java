package org.exitbench.app.workspace;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.store.StoreException;
import org.exitbench.workspace.Workspace;

/**
 * The workspaces opened lately ({@code ~/.exitbench/preferences.json}) and where a dataset's default workspace
 * lives ({@code ~/.exitbench/workspaces/}). A preferences file that cannot be read is reported once and never
 * overwritten that session, so a newer version's file survives an older app.
 */
final class RecentWorkspaces {

    private final Path home;
    private final Path sample;
    private final Notices notices;
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ObservableList<Path> recentView = FXCollections.unmodifiableObservableList(recent);
    private UserPreferences preferences = UserPreferences.empty();
    private boolean writable = true;

    /**
     * @param home    the user's home folder
     * @param sample  the bundled sample dataset, whose default workspace has a fixed name
     * @param notices where failures to read or write the preferences are told
     */
    RecentWorkspaces(Path home, Path sample, Notices notices) {
        this.home = Objects.requireNonNull(home, "home");
        this.sample = Objects.requireNonNull(sample, "sample").toAbsolutePath().normalize();
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    /** @return the list, most recent first; read-only */
    ObservableList<Path> list() {
        return recentView;
    }

    /** Reads the preferences file; an unreadable one is reported and left as it is. */
    void read() {
        try {
            preferences = UserPreferences.read(home);
        } catch (StoreException e) {
            preferences = UserPreferences.empty();
            writable = false;
            notices.post(Notice.error("Recent workspaces are not remembered", ErrorText.of(e)
                    + " The file is left as it is."));
        }
        recent.setAll(preferences.recentWorkspaces().stream().map(Path::of).toList());
    }

    /** @return the workspace opened last, if any */
    Optional<Path> mostRecent() {
        return preferences.recentWorkspaces().stream().findFirst().map(Path::of);
    }

    /** Puts {@code workspace} first in the list and writes the preferences, unless they could not be read. */
    void remember(Path workspace) {
        preferences = preferences.withRecent(workspace);
        recent.setAll(preferences.recentWorkspaces().stream().map(Path::of).toList());
        if (!writable) {
            return;
        }
        try {
            preferences.write(home);
        } catch (StoreException | UncheckedIOException e) {
            writable = false;
            notices.post(Notice.error("Recent workspaces are not remembered", ErrorText.of(e)));
        }
    }

    /** @return the bundled sample dataset */
    Path sample() {
        return sample;
    }

    /** @return where the default workspace of {@code dataset} is: the sample's, or one named after the dataset */
    Path defaultWorkspaceFor(Path dataset) {
        Path datasetFolder = dataset.toAbsolutePath().normalize();
        Path workspaces = UserPreferences.workspacesFolder(home);
        if (datasetFolder.equals(sample)) {
            return workspaces.resolve(WorkspaceViewModel.SAMPLE_WORKSPACE);
        }
        String base = datasetFolder.getFileName() == null ? "dataset"
                : datasetFolder.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        for (int n = 1; ; n++) {
            Path candidate = workspaces.resolve(n == 1 ? base : base + "-" + n);
            if (!Workspace.isWorkspace(candidate) || datasetOf(candidate).equals(datasetFolder)) {
                return candidate;
            }
        }
    }

    private static Path datasetOf(Path workspace) {
        try {
            return Workspace.open(workspace).document().datasetPath();
        } catch (StoreException e) {
            // An unreadable workspace belongs to no dataset we could open: take the next name.
            return workspace;
        }
    }
}
