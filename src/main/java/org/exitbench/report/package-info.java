/**
 * Output for people: the one CSV writer, SVG charts, the HTML report and Markdown summary of a sweep, and the one
 * palette of exit colours the app shares. Renders results; computes none.
 */
package org.exitbench.report;
