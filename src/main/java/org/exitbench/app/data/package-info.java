/**
 * The Data pane: open a dataset (ImageFolder, CIFAR-10 binary, IDX) in the background, see its counts per split
 * and class, its warnings, and its images as a filtered thumbnail grid.
 */
package org.exitbench.app.data;
