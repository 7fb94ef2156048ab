package org.exitbench.app.workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.store.JsonDocuments;
import org.exitbench.store.StoreException;

/**
 * What the app remembers between sessions, in {@code ~/.exitbench/preferences.json}: the recently opened workspaces,
 * most recent first. Also where default workspaces live ({@code ~/.exitbench/workspaces/}), so a first-time user's
 * work never lands in the bundled sample or in a dataset folder.
 *
 * @param recentWorkspaces absolute workspace folders, most recent first, at most {@value #MAX_RECENT}
 */
public record UserPreferences(List<String> recentWorkspaces) {

    /** The document's format and schema version. */
    public static final JsonDocuments.DocumentType TYPE = JsonDocuments.DocumentType.of("exitbench.preferences", 1);
    /** The folder under the user's home that holds the preferences and the default workspaces. */
    public static final String FOLDER = ".exitbench";
    /** How many recent workspaces are remembered. */
    public static final int MAX_RECENT = 8;

    public UserPreferences {
        recentWorkspaces = recentWorkspaces == null ? List.of() : List.copyOf(recentWorkspaces);
    }

    /** @return no recent workspaces */
    public static UserPreferences empty() {
        return new UserPreferences(List.of());
    }

    /** @return {@code ~/.exitbench} for the given home folder */
    public static Path folder(Path home) {
        return home.resolve(FOLDER);
    }

    /** @return the preferences file under {@code home} */
    public static Path file(Path home) {
        return folder(home).resolve("preferences.json");
    }

    /** @return the folder of default workspaces under {@code home} */
    public static Path workspacesFolder(Path home) {
        return folder(home).resolve("workspaces");
    }

    /**
     * Reads the preferences; a missing file gives empty ones.
     *
     * @throws StoreException naming the file when it is unreadable or of another schema version
     */
    public static UserPreferences read(Path home) {
        Path file = file(home);
        if (!Files.exists(file)) {
            return empty();
        }
        return JsonDocuments.read(file, TYPE, UserPreferences.class);
    }

    /** Writes the preferences atomically. */
    public void write(Path home) {
        JsonDocuments.write(file(home), TYPE, this);
    }

    /** @return these preferences with {@code workspace} first among the recent ones */
    public UserPreferences withRecent(Path workspace) {
        String entry = workspace.toAbsolutePath().normalize().toString();
        List<String> recent = new ArrayList<>();
        recent.add(entry);
        for (String other : recentWorkspaces) {
            if (!other.equals(entry) && recent.size() < MAX_RECENT) {
                recent.add(other);
            }
        }
        return new UserPreferences(recent);
    }

    /** @return these preferences without {@code workspace} among the recent ones */
    public UserPreferences withoutRecent(Path workspace) {
        String entry = workspace.toAbsolutePath().normalize().toString();
        return new UserPreferences(recentWorkspaces.stream().filter(w -> !Objects.equals(w, entry)).toList());
    }
}
