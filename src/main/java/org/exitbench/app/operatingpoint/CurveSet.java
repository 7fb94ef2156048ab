package org.exitbench.app.operatingpoint;

import java.util.List;
import java.util.Objects;
import org.exitbench.cascade.OperatingPoint;

/**
 * The reference curves of one score set on one split: accuracy against compute reduction for CPM over its margin
 * and for one global threshold over its value, plus the backbone alone (no exits: reduction 0).
 *
 * @param name             the score set's name ("boosted", "synthetic demo scores")
 * @param cpm              CPM calibrated on validation at each margin, evaluated on this split, by margin
 * @param global           one threshold for every exit and class, by threshold value
 * @param backboneAccuracy the backbone head's accuracy on this split
 * @param ceilingReduction the oracle ceiling on this split: the compute saved when every sample leaves at the first
 *                         exit agreeing with the backbone ({@link org.exitbench.cascade.OracleExitPolicy}), at the
 *                         backbone's accuracy; what no exit decision rule can beat without losing accuracy
 */
public record CurveSet(String name, List<OperatingPoint> cpm, List<OperatingPoint> global, double backboneAccuracy,
                       double ceilingReduction) {

    public CurveSet {
        Objects.requireNonNull(name, "name");
        cpm = List.copyOf(cpm);
        global = List.copyOf(global);
    }
}
