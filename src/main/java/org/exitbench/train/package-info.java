/**
 * Backbone training and branch training (boosted, non-boosted, soft-weighted; argmax, ground-truth or distillation targets), with progress events and cancellation.
 */
package org.exitbench.train;
