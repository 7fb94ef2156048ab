/**
 * Cascade evaluation over plain arrays: ExitScores, Thresholds, the exit each sample takes, accuracy and MACs. No allocation in the hot loop.
 */
package org.exitbench.cascade;
