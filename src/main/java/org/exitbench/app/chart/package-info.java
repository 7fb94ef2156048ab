/**
 * Drawing pieces the panes share: the stacked bar of exit rates, the legend of exit colours, the
 * accuracy-versus-compute chart with its reference curves and moving current point, and PNG export of any node.
 * Colours come from {@link org.exitbench.app.theme.ExitPalette} only.
 */
package org.exitbench.app.chart;
