package org.exitbench.app.io;

import java.util.Objects;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Where view-models post {@link Notice}s; the main window shows each one as a notification as it arrives. Use from
 * the UI thread.
 */
public final class Notices {

    /** Older notices are dropped beyond this many; nobody reads them back. */
    private static final int KEPT = 50;

    private final ObservableList<Notice> posted = FXCollections.observableArrayList();
    private final ObservableList<Notice> postedView = FXCollections.unmodifiableObservableList(posted);

    /** Posts a notice. */
    public void post(Notice notice) {
        posted.add(Objects.requireNonNull(notice, "notice"));
        if (posted.size() > KEPT) {
            posted.remove(0);
        }
    }

    /** @return the notices posted so far, oldest first (at most the latest {@value #KEPT}); read-only */
    public ObservableList<Notice> posted() {
        return postedView;
    }
}
