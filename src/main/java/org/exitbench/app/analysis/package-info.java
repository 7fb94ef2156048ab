/**
 * The Analysis pane, on the test split: the accuracy-vs-compute chart (reference curves, the backbone alone, the
 * current point), the share of each class leaving at each exit, a per-exit confusion matrix whose cells filter
 * the gallery, and the exit gallery with each image's path through the cascade.
 */
package org.exitbench.app.analysis;
