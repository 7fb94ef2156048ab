package org.exitbench.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place that configures DL4J/ND4J for Exitbench: oneDNN layer helpers, threads, and the checks that
 * report whether they are active.
 *
 * <p>In DL4J 1.0.0-M2.1 the helpers that hand convolution, batch-norm and pooling to oneDNN are off by default
 * for two reasons: {@code HelperUtils} creates none unless the system property
 * {@value #HELPERS_DISABLE_PROPERTY} is {@code false}, and the helpers' availability check looks for a class that
 * moved (restored by {@code org.nd4j.nativeblas.Nd4jCpu}). With both fixed, training is 5 to 16 times faster.
 * Call {@link #initialize()} before the first network is built.
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
     * Tells whether a built graph actually delegates its convolutions to oneDNN: true when every convolution
     * layer holds a helper (the private field {@code helper} of DL4J's ConvolutionLayer).
     *
     * @param graph an initialised graph
     * @return false when some convolution layer has no helper, or the graph has no convolution at all
     */
    public static boolean helpersActive(ComputationGraph graph) {
        boolean sawConvolution = false;
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer conv) {
                sawConvolution = true;
                if (convolutionHelper(conv) == null) {
                    return false;
                }
            }
        }
        return sawConvolution;
    }

    private static Object convolutionHelper(ConvolutionLayer conv) {
        try {
            Field field = ConvolutionLayer.class.getDeclaredField("helper");
            field.setAccessible(true);
            return field.get(conv);
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
