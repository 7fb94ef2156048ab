/**
 * The workspace the user works in: a folder holding {@code workspace.json} (the dataset, the backbone choice and the
 * training settings, saved automatically), the feature caches, the runs and the hand-tuned thresholds; the runs list
 * and which run the panes show; new / open / save, recent workspaces, and the questions asked before anything is
 * lost (unsaved thresholds, deleting a run).
 */
package org.exitbench.app.workspace;
