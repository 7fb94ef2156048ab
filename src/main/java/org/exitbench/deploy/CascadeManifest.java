package org.exitbench.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.exitbench.cascade.CostModel;
import org.exitbench.data.ChannelStats;
import org.exitbench.model.BackboneSpec;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.MacTable;

/**
 * The JSON entry ({@value CascadeFile#MANIFEST_ENTRY}) that describes an exported cascade: what the model
 * expects, what it answers, how it is split, what each part costs, where it came from, and a SHA-256 of every other
 * entry of the file.
 *
 * @param classNames      the class names, index = output unit
 * @param inputChannels   channels of an input image
 * @param inputHeight     its height
 * @param inputWidth      its width
 * @param inputFormat     the layout of the first segment's input (images are normalised, then laid out so)
 * @param stats           the per-channel normalisation of input pixels (measured on the backbone's training split)
 * @param backbone        the backbone's spec
 * @param pooling         the fixed pooling from an exit's feature map to its branch's input
 * @param batchNormFolded whether the segments have batch-norm folded into their convolutions (inference only)
 * @param exits           the early exits, shallow to deep
 * @param headSegment     the entry of the last segment: from the deepest exit to the backbone's softmax head
 * @param fullBackboneMacs MACs of the whole backbone per image
 * @param thresholds      the thresholds, as {@link org.exitbench.cascade.Thresholds#toJson()} writes them; one row
 *                        per exit, columns in the order of {@code classNames}
 * @param macTable        the backbone's exact MACs, layer by layer and at its exit points
 * @param provenance      where the cascade came from
 * @param entries         every other entry of the file and its SHA-256 (hex)
 * @param entrySizes      every other entry's size in bytes, the most a reader inflates it to (a zip bomb cannot
 *                        exceed it); absent in files written before it was added, whose entries are then capped by
 *                        {@link org.exitbench.store.InputLimits}
 * @param decisionRule    the exit decision rule when it is not max-softmax or entropy
 *                        ({@link org.exitbench.cascade.decision.DecisionRuleJson}); absent (null) in files with
 *                        max-softmax or entropy thresholds, and in every file written before rules were pluggable
 */
public record CascadeManifest(List<String> classNames, int inputChannels, int inputHeight, int inputWidth,
                              CNN2DFormat inputFormat, ChannelStats stats, BackboneSpec backbone,
                              FeaturePooling pooling, boolean batchNormFolded, List<Exit> exits, String headSegment,
                              long fullBackboneMacs, JsonNode thresholds, MacTable macTable,
                              CascadeProvenance provenance, Map<String, String> entries,
                              Map<String, Long> entrySizes,
                              @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode decisionRule) {

    /** Null stays null (a file missing a field), so that the reader can name the field instead of failing here. */
    public CascadeManifest {
        classNames = classNames == null ? null : List.copyOf(classNames);
        exits = exits == null ? null : List.copyOf(exits);
        entries = entries == null ? null : Map.copyOf(entries);
        entrySizes = entrySizes == null ? null : Map.copyOf(entrySizes);
    }

    /**
     * One early exit: the backbone segment that ends at it, and its branch.
     *
     * @param vertex             the backbone vertex the exit reads
     * @param segment            the entry of the segment ending at this vertex (from the previous exit or the input)
     * @param branch             the entry of the branch network
     * @param branchSpec         the branch's architecture
     * @param branchInput        what the branch reads
     * @param branchMacs         the branch's MACs per image
     * @param backboneMacsToExit the backbone's MACs from the input up to this vertex
     * @param mapChannels        channels of the feature map at the vertex
     * @param mapHeight          its height
     * @param mapWidth           its width
     * @param mapFormat          the layout in which the segment hands the map on
     */
    public record Exit(String vertex, String segment, String branch, BranchSpec branchSpec, BranchInput branchInput,
                       long branchMacs, long backboneMacsToExit, int mapChannels, int mapHeight, int mapWidth,
                       CNN2DFormat mapFormat) {
    }

    /** @return the cost model of this cascade (for the theoretical speedup of its thresholds) */
    public CostModel costModel() {
        long[] toExit = new long[exits.size()];
        long[] branchMacs = new long[exits.size()];
        for (int k = 0; k < exits.size(); k++) {
            toExit[k] = exits.get(k).backboneMacsToExit();
            branchMacs[k] = exits.get(k).branchMacs();
        }
        return new CostModel(toExit, branchMacs, fullBackboneMacs);
    }

    /** @return the exit vertices, shallow to deep */
    public List<String> exitVertices() {
        return exits.stream().map(Exit::vertex).toList();
    }
}
