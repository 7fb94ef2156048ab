package org.exitbench.app.operatingpoint;

import java.util.ArrayList;
import java.util.List;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.SyntheticExitScores;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;

/**
 * Demo inputs for the operating point before any branch is trained: {@link SyntheticExitScores} over the labels
 * of an open dataset's validation and test splits (so each picture gets a plausible answer for its own class),
 * and the cost model of a CIFAR-style ResNet-18 with three exits. Every source made here is marked
 * {@linkplain CascadeSource#synthetic() synthetic} and named {@value #NAME}, and the panes say so: these numbers
 * describe no model.
 */
public final class SyntheticCascadeSource {

    /** The name every synthetic source carries, shown wherever its numbers appear. */
    public static final String NAME = "synthetic demo scores";
    /** Exits of the demo cascade: after ResNet-18's stages 1, 2 and 3. */
    public static final int EXITS = 3;

    /** ResNet-18, CIFAR-style stem, 32×32 input, 10 classes: MACs in total and after layers 1–3 (PAPER §6). */
    private static final long RESNET18_MACS = 555_400_000L;
    private static final double[] RESNET18_STAGE_SHARES = {0.275, 0.517, 0.758};
    /** Each demo branch costs 0.5 % of the backbone: "a few percent of the segment it follows" (PAPER §2). */
    private static final double BRANCH_SHARE = 0.005;

    private SyntheticCascadeSource() {
    }

    /**
     * @param dataset the open dataset; its validation and test splits must hold images
     * @param seed    the random seed of the scores
     * @return synthetic scores for the dataset's validation and test images, in file order, with their pictures
     * @throws IllegalArgumentException when the validation or test split is empty
     */
    public static CascadeSource forDataset(Dataset dataset, long seed) {
        int[] valid = dataset.split(Split.VALID).labels();
        int[] test = dataset.split(Split.TEST).labels();
        if (valid.length == 0 || test.length == 0) {
            throw new IllegalArgumentException(dataset.name() + " has no " + (valid.length == 0 ? "validation"
                    : "test") + " images to make demo scores for");
        }
        int classes = dataset.numClasses();
        ScoreSet scores = new ScoreSet(NAME,
                SyntheticExitScores.generateForLabels(valid, EXITS, classes, seed),
                SyntheticExitScores.generateForLabels(test, EXITS, classes, seed + 1));
        return new CascadeSource(NAME, true, dataset.classNames(), demoCostModel(EXITS), scores, null,
                SampleImages.inOrderOf(dataset), null);
    }

    /**
     * @param validationSamples how many validation samples to generate
     * @param testSamples       how many test samples
     * @param exits             K
     * @param classes           C
     * @param seed              the random seed
     * @return synthetic scores with random labels and no pictures, named "class 0" …
     */
    public static CascadeSource withoutImages(int validationSamples, int testSamples, int exits, int classes,
            long seed) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        ScoreSet scores = new ScoreSet(NAME,
                SyntheticExitScores.generate(validationSamples, exits, classes, seed),
                SyntheticExitScores.generate(testSamples, exits, classes, seed + 1));
        return new CascadeSource(NAME, true, names, demoCostModel(exits), scores, null, SampleImages.NONE, null);
    }

    /**
     * @param exits K
     * @return ResNet-18's costs with exits after stages 1–3 (three exits), or, for another K, exit points evenly
     *         spaced over the backbone; each branch costs 0.5 % of the backbone (our illustration)
     */
    public static CostModel demoCostModel(int exits) {
        long[] toExit = new long[exits];
        long[] branch = new long[exits];
        for (int k = 0; k < exits; k++) {
            double share = exits == RESNET18_STAGE_SHARES.length ? RESNET18_STAGE_SHARES[k]
                    : (k + 1.0) / (exits + 1.0);
            toExit[k] = Math.round(RESNET18_MACS * share);
            branch[k] = Math.round(RESNET18_MACS * BRANCH_SHARE);
        }
        return new CostModel(toExit, branch, RESNET18_MACS);
    }
}
