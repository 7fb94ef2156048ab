package org.nd4j.nativeblas;

/**
 * Compatibility shim that lets DL4J 1.0.0-M2.1 find out that oneDNN is available.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} looks up, by reflection,
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN()}. In M2.1 that class moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method became
 * {@code isUseONEDNN()}, so the lookup fails silently and every convolution, batch-norm and pooling helper
 * is dropped (5 to 16 times slower; see docs/performance.md). This class restores the old name and delegates
 * to the new one. It is not used by Exitbench's own code.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The environment, under the name and with the method DL4J's layer helpers still look for. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        /** @return the single instance, as DL4J's reflective lookup expects. */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /** @return whether the loaded native library was built with oneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
