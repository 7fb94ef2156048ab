/**
 * ONNX models run by ONNX Runtime: sessions, and (with the import of foreign backbones) graph inspection,
 * exact MAC counting, exit-point candidates and cutting a graph into segments. Never trains anything.
 */
package org.exitbench.model.onnx;
