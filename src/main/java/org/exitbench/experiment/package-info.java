/**
 * Experiment configs (JSON), the end-to-end pipeline, sweeps and reports.
 */
package org.exitbench.experiment;
