/**
 * Backbones (ResNet-18 CIFAR style, a small ResNet), exit points, branch architectures, exact MAC counting, and feature extraction into the FeatureCache. Never trains branches or picks thresholds.
 */
package org.exitbench.model;
