package org.exitbench.experiment;

import java.util.List;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchEpoch;
import org.exitbench.train.BranchTrainingMode;

/**
 * The {@code metrics.json} of a run: what was measured, on what, how long it took and how it was made.
 *
 * @param runId      the run folder's name
 * @param created    when the run finished, ISO-8601 UTC
 * @param provenance versions, seed and fingerprints
 * @param backbone   the backbone's facts
 * @param timings    wall time of the shared steps, in seconds
 * @param modes      one entry per training mode, in the order run
 */
public record RunMetrics(String runId, String created, Provenance provenance, BackboneFacts backbone,
                         Timings timings, List<ModeMetrics> modes) {

    /** The document's format and version. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.run-metrics", 1);

    public RunMetrics {
        modes = List.copyOf(modes);
    }

    /**
     * How the run was made.
     *
     * @param exitbenchVersion    the application's version ("development" when run from classes)
     * @param dl4jVersion         DeepLearning4J's version
     * @param javaVersion         the Java runtime's version
     * @param seed                the training seed
     * @param dataset             the dataset folder as given
     * @param datasetFingerprint  {@link org.exitbench.model.DatasetFingerprint} of the dataset
     * @param backboneFile        the backbone file as given
     * @param backboneFingerprint {@link org.exitbench.model.TrainedBackbone#fingerprint()}
     * @param featureCache        the feature cache folder
     * @param featureCacheOutcome built, reused or rebuilt, with the reason
     */
    public record Provenance(String exitbenchVersion, String dl4jVersion, String javaVersion, long seed,
                             String dataset, String datasetFingerprint, String backboneFile,
                             String backboneFingerprint, String featureCache, String featureCacheOutcome) {
    }

    /**
     * The backbone.
     *
     * @param description   e.g. "Small ResNet 16/32/64 × 1/1/1, 1×32×32, 10 classes"
     * @param classNames    class names, index = label
     * @param exitVertices  the early exits' vertices
     * @param macsToExit    per early exit, the backbone's MACs from the input up to it
     * @param totalMacs     the whole backbone's MACs
     * @param validAccuracy its accuracy on the validation split
     * @param testAccuracy  its accuracy on the test split
     */
    public record BackboneFacts(String description, List<String> classNames, List<String> exitVertices,
                                List<Long> macsToExit, long totalMacs, double validAccuracy, double testAccuracy) {
    }

    /**
     * Wall time of the steps shared by all modes, in seconds.
     *
     * @param dataset  reading the dataset
     * @param backbone loading the backbone
     * @param cache    building or loading the feature cache
     * @param total    the whole run, writing included
     */
    public record Timings(double dataset, double backbone, double cache, double total) {
    }

    /**
     * One training mode's cascade.
     *
     * @param mode              the mode
     * @param folder            its sub-folder of the run
     * @param test              the cascade on the test split
     * @param valid             the cascade on the validation split (where it was calibrated)
     * @param branches          one entry per exit considered, trained or skipped
     * @param trainingSeconds   training and calibration of all branches
     * @param evaluationSeconds evaluating the cascade
     */
    public record ModeMetrics(BranchTrainingMode mode, String folder, CascadeMetrics test, CascadeMetrics valid,
                              List<BranchMetrics> branches, double trainingSeconds, double evaluationSeconds) {

        public ModeMetrics {
            branches = List.copyOf(branches);
        }
    }

    /**
     * A cascade's result on one split.
     *
     * @param samples            samples evaluated
     * @param accuracy           the cascade's accuracy
     * @param backboneAccuracy   the backbone's accuracy on the same samples
     * @param accuracyDropPoints (backbone − cascade) accuracy in percentage points; positive is a loss
     * @param computeReduction   1 − mean MACs / backbone MACs
     * @param meanMacs           the mean MACs per sample, every evaluated branch counted
     * @param fullBackboneMacs   the backbone's MACs
     * @param exits              where the samples left: each trained branch, then the backbone ("final")
     */
    public record CascadeMetrics(int samples, double accuracy, double backboneAccuracy, double accuracyDropPoints,
                                 double computeReduction, double meanMacs, long fullBackboneMacs,
                                 List<ExitRate> exits) {

        public CascadeMetrics {
            exits = List.copyOf(exits);
        }
    }

    /**
     * How many samples left at one exit.
     *
     * @param exit      the exit's vertex, or "final" for the backbone head
     * @param samples   samples that left there
     * @param rate      their fraction of the evaluated samples
     * @param precision the fraction of them classified correctly (NaN when none left there)
     */
    public record ExitRate(String exit, int samples, double rate, double precision) {
    }

    /**
     * One exit's branch: trained or skipped, what it costs, and the funnel.
     *
     * @param exit          the exit's index among the backbone's early exits (0-based)
     * @param vertex        its vertex
     * @param skipReason    why it was skipped, or null when trained
     * @param spec          the branch architecture
     * @param input         what it reads
     * @param description   the architecture and its share of the segment, in words
     * @param macs          its MACs per sample (0 when skipped: it is not in the cascade)
     * @param segmentMacs   the MACs of the backbone segment it follows
     * @param trainSamples  training samples it learned from
     * @param trainWeight   their total weight
     * @param trainReaching training samples reaching the exit
     * @param trainExited   of those, how many it takes
     * @param validReaching validation samples reaching the exit (its calibration set)
     * @param validExited   of those, how many it takes
     * @param bestEpoch     the epoch kept (0 when skipped)
     * @param seconds       wall time spent on the exit
     * @param file          the branch model, relative to the run folder, or null when skipped
     * @param history       its training epochs
     */
    public record BranchMetrics(int exit, String vertex, String skipReason, BranchSpec spec, BranchInput input,
                                String description, long macs, long segmentMacs, int trainSamples,
                                double trainWeight, int trainReaching, int trainExited, int validReaching,
                                int validExited, int bestEpoch, double seconds, String file,
                                List<BranchEpoch> history) {

        public BranchMetrics {
            history = List.copyOf(history);
        }

        /** @return whether the branch is part of the cascade */
        public boolean trained() {
            return skipReason == null;
        }
    }

    /** @return the metrics of one mode, if it was run */
    public java.util.Optional<ModeMetrics> mode(BranchTrainingMode mode) {
        return modes.stream().filter(m -> m.mode() == mode).findFirst();
    }
}
