package org.exitbench.app.workspace;

import java.nio.file.Path;
import org.exitbench.workspace.BackboneSettings;
import org.exitbench.workspace.RunEntry;
import org.exitbench.workspace.WorkspaceDocument;

/** What the top bar says about the workspace, in a few words. */
final class WorkspaceLabels {

    private WorkspaceLabels() {
    }

    /**
     * @param shown    the run the panes show, or {@code null}
     * @param document the workspace's settings, or {@code null} without a workspace
     * @return the shown run's backbone ("Small ResNet 16/32/64/128"), else the workspace's choice, else "none"
     */
    static String backbone(RunEntry shown, WorkspaceDocument document) {
        if (shown != null && shown.readable()) {
            // "Small ResNet 16/32/64/128 × 1/1/1/1, 1×32×32, 10 classes": the family and widths are enough here.
            String description = shown.metrics().backbone().description();
            int end = description.indexOf(" \u00d7 ");
            if (end < 0) {
                end = description.indexOf(',');
            }
            return end > 0 ? description.substring(0, end) : description;
        }
        if (document == null) {
            return "none";
        }
        BackboneSettings settings = document.backbone();
        return switch (settings.source()) {
            case DATASET -> "the dataset's backbone.zip";
            case FILE -> settings.file() == null ? "no file chosen" : Path.of(settings.file()).getFileName()
                    .toString();
            case TRAIN_NEW -> "a new one, to be trained";
        };
    }
}
