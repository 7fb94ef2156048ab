package org.exitbench.app.shell;

import java.util.function.Supplier;
import javafx.collections.ListChangeListener;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;

/**
 * Shows every {@link Notice} posted as a notification in the corner of the main window: errors for longer, with
 * their reason in full.
 */
public final class NoticeToasts {

    private static final Duration INFO = Duration.seconds(6);
    private static final Duration ERROR = Duration.seconds(12);

    private NoticeToasts() {
    }

    /**
     * @param notices where notices are posted
     * @param owner   the window to show them over (notices posted before it is shown are not displayed)
     */
    public static void show(Notices notices, Supplier<Window> owner) {
        notices.posted().addListener((ListChangeListener<Notice>) change -> {
            while (change.next()) {
                for (Notice notice : change.getAddedSubList()) {
                    Window window = owner.get();
                    if (window != null && window.isShowing()) {
                        Notifications toast = Notifications.create().owner(window).title(notice.title())
                                .text(notice.text()).hideAfter(notice.error() ? ERROR : INFO);
                        if (notice.error()) {
                            toast.showError();
                        } else {
                            toast.showInformation();
                        }
                    }
                }
            }
        });
    }
}
