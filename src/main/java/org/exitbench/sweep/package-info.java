/**
 * Sweeps: the paper's boosted vs non-boosted grid as a definition (axes × seeds), the runner that trains its trials
 * on one shared feature cache, each trial's result, the summary and the paired statistics, and the sweep folder
 * that stores them. Reports of a sweep are written by the {@code report} package.
 */
package org.exitbench.sweep;
