/**
 * Export of a calibrated cascade as standard ONNX, run with real early exits by any ONNX runtime: one model per
 * backbone segment and per exit (batched serving), or one {@code cascade.onnx} whose exits are {@code If} nodes
 * (batch 1), each with a JSON manifest; and the predictor and latency measurement on ONNX Runtime.
 */
package org.exitbench.deploy.onnx;
