/**
 * One experiment run: its config (JSON), the end-to-end pipeline (dataset → backbone → feature cache → branches and
 * CPM thresholds → test evaluation), the run folder it writes and reads back ({@link ExperimentRun},
 * {@link RunMetrics}), the export of a run's cascade, and the jobs the CLI and the app share.
 */
package org.exitbench.experiment;
