package org.exitbench.progress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Estimates the time a job of sequential steps has left from the work each step still has and the measured speed
 * of that kind of work, instead of from the average pace of the whole job (which is wrong whenever steps differ in
 * cost: extracting features, then branches at ever deeper exits on ever fewer survivors).
 *
 * <p>Work comes in kinds ("features", "branch at exit 2"), each with planned units (images; training samples ×
 * epochs) that may be revised as the job learns more (survivors known, early stopping). The seconds per unit of a
 * kind are measured from its completed units, smoothed exponentially so that one slow or fast report moves the
 * estimate only a little. A kind not measured yet borrows a measured kind's speed scaled by the ratio of their
 * prior costs (kinds with equal prior costs are taken to be the same work); before anything is measured there is no
 * estimate. Time spent since the last report counts against
 * the step under way, up to what that step was expected to take, so the estimate counts down between reports.
 *
 * <p>Steps run one after another: the time between two reports belongs to the work the second one reports. Not
 * thread-safe; use from the job's thread.
 */
public final class TimeLeftEstimator {

    /** The weight of the newest measurement in the smoothed seconds per unit. */
    static final double SMOOTHING = 0.15;

    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private long lastReportNanos = Long.MIN_VALUE;

    /** One kind of work: what is planned and done, and how fast it went. */
    private static final class Kind {
        final double prior;
        double planned;
        double done;
        double secondsPerUnit = Double.NaN;
        double lastStep;

        Kind(double prior) {
            this.prior = prior;
        }

        boolean measured() {
            return !Double.isNaN(secondsPerUnit);
        }
    }

    /**
     * Declares a kind of work, or revises its plan.
     *
     * @param kind         its name
     * @param plannedUnits the units it will do in all (including those done)
     * @param priorCost    a guess of its seconds per unit relative to the other kinds' guesses (only ratios matter)
     */
    public void plan(String kind, double plannedUnits, double priorCost) {
        if (!(priorCost > 0)) {
            throw new IllegalArgumentException("the prior cost of " + kind + " must be positive, was " + priorCost);
        }
        Kind k = kinds.computeIfAbsent(Objects.requireNonNull(kind, "kind"), name -> new Kind(priorCost));
        k.planned = Math.max(plannedUnits, k.done);
    }

    /** Revises only the planned units of a declared kind (at least what is done). */
    public void replan(String kind, double plannedUnits) {
        Kind k = require(kind);
        k.planned = Math.max(plannedUnits, k.done);
    }

    /** Marks a kind finished: what it has done is all it will do (early stopping, a skipped step). */
    public void finish(String kind) {
        Kind k = require(kind);
        k.planned = k.done;
    }

    /**
     * Marks the start of the job, or of work after a pause that should not count (the time before it is nobody's).
     *
     * @param nanos the clock now
     */
    public void start(long nanos) {
        lastReportNanos = nanos;
    }

    /**
     * Reports that a kind has done {@code doneUnits} in all by now. The time since the previous report (of any
     * kind) is the time the new units took.
     *
     * @param kind      a declared kind
     * @param doneUnits units done in all (never less than reported before)
     * @param nanos     the clock now
     */
    public void progress(String kind, double doneUnits, long nanos) {
        Kind k = require(kind);
        double step = doneUnits - k.done;
        if (step <= 0) {
            return;
        }
        if (lastReportNanos != Long.MIN_VALUE) {
            double seconds = Math.max(0, (nanos - lastReportNanos) / 1e9);
            double measured = seconds / step;
            k.secondsPerUnit = k.measured() ? (1 - SMOOTHING) * k.secondsPerUnit + SMOOTHING * measured : measured;
        }
        k.done = doneUnits;
        k.planned = Math.max(k.planned, k.done);
        k.lastStep = step;
        lastReportNanos = nanos;
    }

    /**
     * Records work that took no time of its own (a result reused from an earlier step): done, but not measured.
     */
    public void skip(String kind, double doneUnits) {
        Kind k = require(kind);
        k.done = Math.max(k.done, doneUnits);
        k.planned = Math.max(k.planned, k.done);
    }

    /**
     * @param nanos the clock now
     * @return the seconds left, or empty while no kind of work has been measured
     */
    public OptionalDouble secondsLeft(long nanos) {
        Kind reference = null;
        for (Kind k : kinds.values()) {
            if (k.measured() && k.done > 0) {
                reference = k;
            }
        }
        if (reference == null) {
            return OptionalDouble.empty();
        }
        double left = 0;
        Kind current = null;
        for (Kind k : kinds.values()) {
            double remaining = k.planned - k.done;
            if (remaining <= 0) {
                continue;
            }
            if (current == null) {
                current = k;
            }
            left += remaining * speed(k, reference);
        }
        if (current != null && lastReportNanos != Long.MIN_VALUE) {
            // Work under way since the last report counts against the current step, up to one step of its usual
            // size (a step that takes longer than that leaves the estimate standing, not going negative).
            double stepSeconds = Math.min(current.lastStep, current.planned - current.done) * speed(current,
                    reference);
            left -= Math.min(Math.max(0, (nanos - lastReportNanos) / 1e9), stepSeconds);
        }
        return OptionalDouble.of(Math.max(0, left));
    }

    /**
     * A kind's seconds per unit: measured; else that of a measured kind with the same prior cost (the same work in
     * another step, as a branch at the same exit in another training mode); else the reference's scaled by priors.
     */
    private double speed(Kind k, Kind reference) {
        if (k.measured()) {
            return k.secondsPerUnit;
        }
        for (Kind other : kinds.values()) {
            if (other.measured() && other.prior == k.prior) {
                return other.secondsPerUnit;
            }
        }
        return reference.secondsPerUnit * k.prior / reference.prior;
    }

    private Kind require(String kind) {
        Kind k = kinds.get(kind);
        if (k == null) {
            throw new IllegalArgumentException("no work of kind '" + kind + "' was planned");
        }
        return k;
    }
}
