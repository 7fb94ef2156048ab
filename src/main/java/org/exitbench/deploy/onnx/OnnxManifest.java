package org.exitbench.deploy.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.exitbench.cascade.CostModel;
import org.exitbench.data.ChannelStats;
import org.exitbench.deploy.CascadeProvenance;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.FeaturePooling;

/**
 * The JSON file ({@value OnnxCascadeExport#MANIFEST}) beside an ONNX export: what its models take and answer, the
 * exits with their thresholds per class, the MACs, where the cascade came from, how it was checked, and a SHA-256 of
 * every model file.
 *
 * <p>Every model takes {@code pixels}: float32 images [N, C, H, W] with values 0..255 (NCHW, channel order as the
 * training data); the normalisation ({@code stats}) is inside the first segment, the backbone and the cascade, and
 * recorded here for reference only.
 *
 * @param shape            {@code segments} (one model per segment and per exit) or {@code single} (cascade.onnx)
 * @param classNames       class names, index = class
 * @param inputChannels    C
 * @param inputHeight      H
 * @param inputWidth       W
 * @param stats            the per-channel normalisation the models apply to pixels / 255
 * @param pooling          the fixed pooling of an exit's map before its branch (inside the exit models)
 * @param exits            the early exits, shallow to deep
 * @param headSegment      segments shape: the model from the deepest exit's map to the class probabilities
 * @param cascade          single shape: the one-file cascade (batch 1; outputs class, exit, confidence,
 *                         probabilities)
 * @param backbone         the whole backbone without exits (pixels → probabilities): the baseline a speedup is taken
 *                         against, and a deployment without exits
 * @param fullBackboneMacs the backbone's MACs per image
 * @param thresholds       the thresholds as {@link org.exitbench.cascade.Thresholds#toJson()} writes them (rule, one
 *                         row per exit, one column per class)
 * @param opset            the ONNX opset the models declare
 * @param provenance       where the cascade came from
 * @param backboneSource   "dl4j" for a backbone written from DL4J, "onnx" for an imported one
 * @param check            how the export was checked against the workbench's engine
 * @param checksums        per file, its SHA-256 (hex)
 * @param decisionRule     the derived decision rule the thresholds compare ({@code cascade.decision.DecisionRuleJson};
 *                         written into the models as ONNX operators), or null for max-softmax and entropy
 */
public record OnnxManifest(String shape, List<String> classNames, int inputChannels, int inputHeight, int inputWidth,
                           ChannelStats stats, FeaturePooling pooling, List<Exit> exits, String headSegment,
                           String cascade, String backbone, long fullBackboneMacs, JsonNode thresholds, int opset,
                           CascadeProvenance provenance, String backboneSource, Check check,
                           Map<String, String> checksums, JsonNode decisionRule) {

    /** The segments shape's name. */
    public static final String SEGMENTS = "segments";
    /** The single-file shape's name. */
    public static final String SINGLE = "single";

    public OnnxManifest {
        classNames = List.copyOf(classNames);
        exits = List.copyOf(exits);
        checksums = Map.copyOf(checksums);
    }

    /**
     * One early exit.
     *
     * @param vertex             the backbone vertex (or imported tensor) the exit reads
     * @param segment            segments shape: the model from the previous exit (or the pixels) to this exit's map
     * @param branch             segments shape: the model from this exit's map to its branch's probabilities
     * @param branchSpec         the branch's architecture
     * @param branchMacs         the branch's MACs per image
     * @param backboneMacsToExit the backbone's MACs from the input to this exit
     * @param mapChannels        channels of the map at the exit
     * @param mapHeight          its height
     * @param mapWidth           its width
     * @param decision           segments shape with a derived decision rule: the model from this exit's
     *                           probabilities and the earlier exits' classes and top probabilities to its score and
     *                           exit test (null otherwise: the test is max-softmax or entropy against the thresholds)
     */
    public record Exit(String vertex, String segment, String branch, BranchSpec branchSpec, long branchMacs,
                       long backboneMacsToExit, int mapChannels, int mapHeight, int mapWidth, String decision) {
    }

    /**
     * The check made when exporting: every part run by ONNX Runtime on real images against the workbench's engine.
     *
     * @param images          how many images
     * @param tolerance       the largest difference allowed, relative to the largest reference value of a part
     * @param worstDifference per part, the largest relative difference found
     * @param cascadeAgrees   how many images the one-file cascade (or the chained segments) sent to the same exit
     *                        with the same class as the workbench's engine
     * @param onnxRuntime     the ONNX Runtime version that ran the check
     */
    public record Check(int images, double tolerance, Map<String, Double> worstDifference, int cascadeAgrees,
                        String onnxRuntime) {
    }

    /** @return the cost model of the cascade (for the theoretical speedup of its thresholds) */
    public CostModel costModel() {
        long[] toExit = new long[exits.size()];
        long[] branchMacs = new long[exits.size()];
        for (int k = 0; k < exits.size(); k++) {
            toExit[k] = exits.get(k).backboneMacsToExit();
            branchMacs[k] = exits.get(k).branchMacs();
        }
        return new CostModel(toExit, branchMacs, fullBackboneMacs);
    }
}
