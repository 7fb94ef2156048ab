/**
 * Exit-threshold calibration: Class Precision Margin (CPM) per class, and global confidence or entropy thresholds for comparison.
 */
package org.exitbench.calibrate;
