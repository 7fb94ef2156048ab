/**
 * The one operating point every pane reads: the cascade's inputs ({@link
 * org.exitbench.app.operatingpoint.CascadeSource}: validation and test scores, cost model, class names, images),
 * the current thresholds, and the result of evaluating them once on each split
 * ({@link org.exitbench.app.operatingpoint.OperatingPointResult}). A slider asks
 * {@link org.exitbench.app.operatingpoint.OperatingPointModel} for new thresholds; at most one evaluation runs per
 * frame, and every chart, table and gallery updates from its result. Also the reference curves the charts draw
 * behind the current point, and the top bar's summary.
 */
package org.exitbench.app.operatingpoint;
