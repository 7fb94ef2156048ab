package org.exitbench.spark;

import java.util.Map;
import org.exitbench.experiment.ExperimentException;
import org.exitbench.sweep.TrialExecutor;

/**
 * Registers the Spark executor of sweep trials under the kind "spark". It touches no Spark class itself, so the
 * service lookup works in the desktop build too and the missing library is reported in words.
 */
public final class SparkTrialExecutorFactory implements TrialExecutor.Factory {

    @Override
    public String kind() {
        return "spark";
    }

    @Override
    public TrialExecutor create(String master) {
        requireSpark();
        return new SparkTrialExecutor(master, Map.of());
    }

    /** @throws ExperimentException when Spark is not on the class path (the desktop build leaves it out) */
    static void requireSpark() {
        try {
            Class.forName("org.apache.spark.SparkContext", false, SparkTrialExecutorFactory.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ExperimentException("--spark needs Apache Spark on the class path, which this build leaves out:"
                    + " run scripts/exitbench-spark, or spark-submit with target/exitbench-spark.jar (mvn -Pspark"
                    + " package); see docs/scale.md");
        }
    }
}
