package org.exitbench.deploy;

/**
 * Where an exported cascade came from, so that a file found later can be traced to the run, data and backbone
 * that made it.
 *
 * @param runId               the run folder's id, e.g. "20261104-120000"
 * @param mode                the training mode whose branches and thresholds were exported, e.g. "boosted"
 * @param config              the run's effective experiment configuration, as JSON
 * @param dataset             the dataset the run used, as given to it
 * @param datasetFingerprint  the dataset's fingerprint recorded by the run
 * @param backboneFile        the backbone file the run used, as given to it
 * @param backboneFingerprint the backbone's fingerprint (checked against the backbone exported)
 * @param exitbenchVersion    the Exitbench version that exported the cascade
 * @param dl4jVersion         the DL4J version that exported it
 * @param javaVersion         the Java runtime that exported it
 * @param exportedAt          when, ISO-8601 UTC
 */
public record CascadeProvenance(String runId, String mode, String config, String dataset, String datasetFingerprint,
                                String backboneFile, String backboneFingerprint, String exitbenchVersion,
                                String dl4jVersion, String javaVersion, String exportedAt) {
}
