/**
 * The workspace, one concept for the CLI and the app: a folder holding {@code workspace.json} (the dataset, the
 * backbone choice and the training settings), the feature caches, the runs, the sweeps, backbones trained there and
 * the hand-tuned thresholds of each run, with the thresholds each speedup was measured at. No JavaFX: the app's
 * {@code app.workspace} adds the window's state (recent workspaces, the shown run, unsaved changes) on top.
 */
package org.exitbench.workspace;
