package org.exitbench.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place that configures DL4J/ND4J for Exitbench: oneDNN layer helpers, and the checks that report
 * whether they are active.
 *
 * <p>In DL4J 1.0.0-M2.1 the helpers that hand convolution, batch-norm and pooling to oneDNN are off by default
 * for two reasons: {@code HelperUtils} creates none unless the system property
 * {@value #HELPERS_DISABLE_PROPERTY} is {@code false}, and the helpers' availability check looks for a class that
 * moved (restored by {@code org.nd4j.nativeblas.Nd4jCpu}). With both fixed, training is 5 to 16 times faster.
 * Call {@link #initialize()} before the first network is built.
 *
 * <p>Threads are not set here: ND4J reads the environment variable {@code OMP_NUM_THREADS} once, when its native
 * library loads, and uses that many threads for its own parallel loops and for oneDNN's OpenMP pool (default: all
 * cores). {@code Nd4j.getEnvironment().setMaxThreads} changes neither afterwards, so the thread count must be
 * set in the environment of the JVM (docs/performance.md).
 */
public final class Dl4jEngine {

    /** The system property that DL4J's HelperUtils reads; it must be "false" for helpers to exist. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private Dl4jEngine() {
    }

    /** Switches the oneDNN layer helpers on (idempotent). Must run before any network is built. */
    public static synchronized void initialize() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
        Nd4j.getEnvironment().allowHelpers(true);
    }

    /** @return whether the loaded ND4J native library was built with oneDNN and uses it */
    public static boolean oneDnnAvailable() {
        initialize();
        return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }

    /**
     * Tells whether a built graph actually delegates its layers to oneDNN: true when every convolution and every
     * batch-norm layer holds a helper (DL4J's private field {@code helper}) and there is at least one convolution.
     *
     * @param graph an initialised graph
     * @return false when some convolution or batch-norm layer has no helper, or the graph has no convolution
     */
    public static boolean helpersActive(ComputationGraph graph) {
        boolean sawConvolution = false;
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer) {
                sawConvolution = true;
            }
            if ((layer instanceof ConvolutionLayer || layer instanceof BatchNormalization)
                    && helper(layer) == null) {
                return false;
            }
        }
        return sawConvolution;
    }

    /** @return the oneDNN helper of a convolution or batch-norm layer, or null when it has none */
    private static Object helper(Layer layer) {
        try {
            Class<?> owner = layer instanceof ConvolutionLayer ? ConvolutionLayer.class : BatchNormalization.class;
            Field field = owner.getDeclaredField("helper");
            field.setAccessible(true);
            return field.get(layer);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** @return a one-line description of the compute engine for benchmark and log headers */
    public static String describe() {
        initialize();
        return "ND4J backend " + Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend")
                + ", oneDNN " + (oneDnnAvailable() ? "available" : "absent")
                + ", helpers " + ("false".equals(System.getProperty(HELPERS_DISABLE_PROPERTY)) ? "enabled" : "disabled")
                + ", max threads " + Nd4j.getEnvironment().maxThreads()
                + ", JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}
