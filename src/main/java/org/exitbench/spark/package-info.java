/**
 * Sweeps and feature caches on an Apache Spark cluster (standalone, YARN or Kubernetes): each trial, or each shard
 * of a feature cache, is one Spark task running today's engine. Spark is a {@code provided} dependency, present only
 * in the spark-submit jar ({@code mvn -Pspark package}) and on a cluster; nothing else in the engine depends on this
 * package, and the CLI reaches it through {@link org.exitbench.sweep.TrialExecutor}'s service lookup, so the
 * desktop app runs without Spark. See docs/scale.md.
 */
package org.exitbench.spark;
