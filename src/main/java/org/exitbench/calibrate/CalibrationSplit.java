package org.exitbench.calibrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How the validation split is divided between the two jobs it would otherwise do at once: choosing each branch's
 * epoch (early stopping) and calibrating CPM's thresholds. Using the same images for both, and then choosing an
 * operating point on them too, makes the validation numbers optimistic: points chosen for a 2-point budget lost 3
 * on test (issue 17). With a fraction above 0, a seeded, class-stratified share of the validation images is held
 * out for CPM alone (the <em>calibration part</em>); the rest (the <em>stopping part</em>) stops training and is
 * where a sweep reads its validation numbers, so nothing there has seen the thresholds being fitted.
 *
 * <p>The split is carved from the dataset's validation split; a dataset without one gets a validation split carved
 * from its training images when it is read (its size is the dataset's {@code validationFraction}), and this split
 * then divides that. Fraction 0 keeps the old protocol, one validation split doing both jobs, so runs saved
 * before this setting existed keep their meaning.
 *
 * @param fraction the share of each class's validation images CPM calibrates on: 0 (both parts are the whole
 *                 split) or in [0.1, 0.9]
 * @param seed     the seed of the selection; the same for every mode and branch seed, so all cascades of a
 *                 comparison are calibrated and judged on the same images
 */
public record CalibrationSplit(double fraction, long seed) {

    /** The smallest share a part may have when the split is on: either part smaller starves its job. */
    public static final double MIN_FRACTION = 0.1;
    /** The largest share. */
    public static final double MAX_FRACTION = 0.9;
    /** The seed of {@link #off()} and of {@link #of(double)}. */
    public static final long DEFAULT_SEED = 17L;

    /** @throws IllegalArgumentException naming the field when the fraction is out of range */
    public CalibrationSplit {
        if (!(fraction == 0 || (fraction >= MIN_FRACTION && fraction <= MAX_FRACTION))) {
            throw new IllegalArgumentException("calibration fraction must be 0 (one validation split for early "
                    + "stopping and CPM) or in [" + MIN_FRACTION + ", " + MAX_FRACTION + "], was " + fraction);
        }
    }

    /** @return the old protocol: the whole validation split stops training and calibrates CPM */
    public static CalibrationSplit off() {
        return new CalibrationSplit(0, DEFAULT_SEED);
    }

    /** @return a split holding out {@code fraction} of each class for CPM, with the default seed */
    public static CalibrationSplit of(double fraction) {
        return new CalibrationSplit(fraction, DEFAULT_SEED);
    }

    /** @return whether the validation split is divided */
    public boolean isOn() {
        return fraction > 0;
    }

    /**
     * The two parts of a validation split. Each lists row indices ascending; when the split is off both are every
     * row.
     *
     * @param stopping    the rows that stop training and report validation numbers
     * @param calibration the rows CPM calibrates on
     * @param size        the number of rows of the whole split
     */
    public record Parts(int[] stopping, int[] calibration, int size) {

        public Parts {
            stopping = stopping.clone();
            calibration = calibration.clone();
        }

        @Override
        public int[] stopping() {
            return stopping.clone();
        }

        @Override
        public int[] calibration() {
            return calibration.clone();
        }

        /** @return per row of the whole split, whether it is in the stopping part */
        public boolean[] stoppingMask() {
            return mask(stopping, size);
        }

        /** @return per row of the whole split, whether it is in the calibration part */
        public boolean[] calibrationMask() {
            return mask(calibration, size);
        }

        private static boolean[] mask(int[] rows, int size) {
            boolean[] mask = new boolean[size];
            for (int r : rows) {
                mask[r] = true;
            }
            return mask;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parts p && p.size == size && Arrays.equals(p.stopping, stopping)
                    && Arrays.equals(p.calibration, calibration);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(stopping) + Arrays.hashCode(calibration);
        }

        @Override
        public String toString() {
            return "Parts[" + stopping.length + " stopping, " + calibration.length + " calibration of " + size + "]";
        }
    }

    /**
     * Divides a validation split by class: each class gives {@code round(fraction × count)} of its rows, at least
     * one and at most all but one when it has two or more, to the calibration part.
     *
     * @param labels the ground-truth class of every validation row
     * @return the parts; the same labels and settings always give the same parts
     */
    public Parts split(int[] labels) {
        int n = labels.length;
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        if (!isOn()) {
            return new Parts(all, all, n);
        }
        int classes = 0;
        for (int label : labels) {
            if (label < 0) {
                throw new IllegalArgumentException("labels must be class indices (0 or more), found " + label);
            }
            classes = Math.max(classes, label + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            byClass.get(labels[i]).add(i);
        }
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] toCalibration = new boolean[n];
        for (List<Integer> group : byClass) {
            int size = group.size();
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Integer t = group.get(i);
                group.set(i, group.get(j));
                group.set(j, t);
            }
            int take = size < 2 ? 0 : (int) Math.max(1, Math.min(size - 1, Math.round(fraction * size)));
            for (int k = 0; k < take; k++) {
                toCalibration[group.get(k)] = true;
            }
        }
        int calibrationCount = 0;
        for (boolean b : toCalibration) {
            calibrationCount += b ? 1 : 0;
        }
        int[] calibration = new int[calibrationCount];
        int[] stopping = new int[n - calibrationCount];
        for (int i = 0, c = 0, s = 0; i < n; i++) {
            if (toCalibration[i]) {
                calibration[c++] = i;
            } else {
                stopping[s++] = i;
            }
        }
        return new Parts(stopping, calibration, n);
    }

    /** @return "off" or "50 % of validation for CPM (seed 17)" */
    public String describe() {
        return isOn() ? Math.round(100 * fraction) + " % of validation for CPM, the rest for early stopping (seed "
                + seed + ")" : "off (validation does early stopping and CPM)";
    }
}
