/**
 * The workspace as the window shows it: the runs list and which run the panes show, new / open / save, recent
 * workspaces, delayed saves of settings, and the questions asked before anything is lost (unsaved thresholds,
 * deleting a run). The folder itself and its files are {@link org.exitbench.workspace.Workspace}'s.
 */
package org.exitbench.app.workspace;
