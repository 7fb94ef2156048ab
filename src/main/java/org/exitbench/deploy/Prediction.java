package org.exitbench.deploy;

import java.util.List;

/**
 * The answer for one image and how it was reached.
 *
 * <p>Timings: {@code segmentNanos[j]} is the wall time of backbone segment j (input → exit 1 for j = 0, …, the
 * head for j = K) and {@code branchNanos[j]} that of exit j's branch, with the feature map read out, pooled, scored
 * and tested against the thresholds; there is one entry per part the image went through, so an image that left at
 * exit k has k + 1 of each (K + 1 segments and K branches when it reached the head). In a batch, each call's time is
 * shared equally among the images that call processed.
 *
 * @param classIndex   the predicted class
 * @param className    its name
 * @param exit         where the image left: 0..K−1 for an early exit, K for the backbone head
 * @param exitVertex   the backbone vertex of that exit, or {@code "final"} for the head
 * @param early        whether an early exit took the image ({@code exit < K})
 * @param confidence   the largest softmax probability of the answering exit
 * @param top          the most probable classes of the answering exit, most probable first (ties to the lower
 *                     class index)
 * @param segmentNanos per segment run, its wall time in nanoseconds
 * @param branchNanos  per branch run, its wall time in nanoseconds
 */
public record Prediction(int classIndex, String className, int exit, String exitVertex, boolean early,
                         float confidence, List<ClassProbability> top, long[] segmentNanos, long[] branchNanos) {

    public Prediction {
        top = List.copyOf(top);
        segmentNanos = segmentNanos.clone();
        branchNanos = branchNanos.clone();
    }

    @Override
    public long[] segmentNanos() {
        return segmentNanos.clone();
    }

    @Override
    public long[] branchNanos() {
        return branchNanos.clone();
    }

    /** @return the wall time of every part the image went through, in nanoseconds */
    public long totalNanos() {
        long sum = 0;
        for (long t : segmentNanos) {
            sum += t;
        }
        for (long t : branchNanos) {
            sum += t;
        }
        return sum;
    }

    /**
     * The answer of one exit from its class probabilities: the {@code top} most probable classes, best first; the
     * timings are left empty for the predictor to fill in. Shared by the DL4J and the ONNX Runtime predictors, so
     * both break ties alike (the lower class index wins).
     *
     * @param exit       the exit index, K for the backbone's head
     * @param exitVertex the exit's vertex name
     * @param early      whether the exit is a branch (not the head)
     * @param p          probabilities of many rows; this row's start at {@code at}
     * @param classNames the class names, index = probability position
     */
    public static Prediction fromProbabilities(int exit, String exitVertex, boolean early, float[] p, int at,
                                               List<String> classNames, int top) {
        int classes = classNames.size();
        List<ClassProbability> best = new java.util.ArrayList<>(top);
        boolean[] taken = new boolean[classes];
        for (int r = 0; r < top; r++) {
            int choice = -1;
            for (int c = 0; c < classes; c++) {
                if (!taken[c] && (choice < 0 || p[at + c] > p[at + choice])) {
                    choice = c;
                }
            }
            taken[choice] = true;
            best.add(new ClassProbability(choice, classNames.get(choice), p[at + choice]));
        }
        ClassProbability first = best.get(0);
        return new Prediction(first.classIndex(), first.className(), exit, exitVertex, early, first.probability(),
                best, new long[0], new long[0]);
    }
}
