/**
 * Export of a calibrated cascade and an inference API that really stops at the first exit that fires.
 */
package org.exitbench.deploy;
