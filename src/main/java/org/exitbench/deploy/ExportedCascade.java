package org.exitbench.deploy;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.model.ExitBranch;

/**
 * A cascade loaded from its file ({@link CascadeFile#load}): the manifest, the thresholds, the backbone segments
 * and the branch networks. It is only read after loading; {@link EarlyExitPredictor}s made from it run their own
 * copies of the networks, so one loaded cascade can serve a predictor per thread.
 */
public final class ExportedCascade {

    private final Path file;
    private final CascadeManifest manifest;
    private final Thresholds thresholds;
    private final List<ComputationGraph> segments;
    private final List<ExitBranch> branches;
    private final ExitDecisionRule decisionRule;

    ExportedCascade(Path file, CascadeManifest manifest, Thresholds thresholds, List<ComputationGraph> segments,
                    List<ExitBranch> branches, ExitDecisionRule decisionRule) {
        this.decisionRule = decisionRule;
        this.file = file;
        this.manifest = manifest;
        this.thresholds = thresholds;
        this.segments = List.copyOf(segments);
        this.branches = List.copyOf(branches);
    }

    /** @return the file it was loaded from */
    public Path file() {
        return file;
    }

    /** @return the description: classes, preprocessing, exits, costs, provenance */
    public CascadeManifest manifest() {
        return manifest;
    }

    /** @return the exit thresholds, one row per early exit */
    public Thresholds thresholds() {
        return thresholds;
    }

    /** @return how each exit scores its answer (max-softmax or entropy for files that name no rule) */
    public ExitDecisionRule decisionRule() {
        return decisionRule;
    }

    /** @return the class names, index = class */
    public List<String> classNames() {
        return manifest.classNames();
    }

    /** @return K, the number of early exits (the backbone head is exit K) */
    public int exitCount() {
        return manifest.exits().size();
    }

    /** @return the MACs of each way through the cascade */
    public CostModel costModel() {
        return manifest.costModel();
    }

    /**
     * The whole backbone as one network, joined from the segments: what a deployment without early exits would
     * run, and so the baseline a measured speedup is taken against.
     *
     * @return a new network, input to softmax head
     */
    public ComputationGraph fullBackbone() {
        return BackboneSegments.join(segments, InputType.convolutional(manifest.inputHeight(), manifest.inputWidth(),
                manifest.inputChannels(), manifest.inputFormat()));
    }

    /** @return the segments (input to exit 1, …, exit K to head), shared: callers must not run them */
    List<ComputationGraph> segments() {
        return segments;
    }

    /** @return the branches, shared: callers must not run their networks */
    List<ExitBranch> branches() {
        return branches;
    }
}
