package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oneDNN layer helpers are what make DL4J usable on a CPU; these checks fail the build without them, for the
 * networks Exitbench actually runs: backbones built with the default settings, the feature extractor's graph and
 * batch-norm-folded graphs.
 */
@Tag("slow")
class Dl4jEngineTest {

    /** The small ResNet the app offers, built as the app builds it (default NetworkSettings, i.e. NHWC). */
    private static final BackboneSpec SMALL = BackboneSpec.smallResNet(List.of(16, 32, 64), List.of(1, 1, 1), 1, 32,
            32, 10);

    @Test
    void nativeLibraryIsTheOneDnnBuild() {
        assertTrue(Dl4jEngine.oneDnnAvailable(), "ND4J loaded a native library without oneDNN: "
                + Dl4jEngine.describe());
    }

    @Test
    void convolutionLayersGetAOneDnnHelper() {
        assertTrue(Dl4jEngine.helpersActive(plainConvolutionGraph()), "convolution runs without oneDNN: "
                + Dl4jEngine.describe());
    }

    @Test
    void backbonesBuiltWithTheDefaultSettingsUseOneDnnForConvolutionAndBatchNorm() {
        assertTrue(Dl4jEngine.helpersActive(SMALL.build(1)), "small ResNet without oneDNN: " + Dl4jEngine.describe());
        assertTrue(Dl4jEngine.helpersActive(BackboneSpec.resnet18Cifar(3, 32, 32, 10).build(1)),
                "ResNet-18 without oneDNN: " + Dl4jEngine.describe());
    }

    @Test
    void featureExtractionAndFoldedGraphsUseOneDnn() {
        TrainedBackbone backbone = TrainedBackbone.of(SMALL.build(2), SMALL, List.of("0", "1", "2", "3", "4", "5",
                "6", "7", "8", "9"), ChannelStats.identity(1));
        ComputationGraph extraction = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE, 32)
                .extractionGraph();
        assertTrue(Dl4jEngine.helpersActive(extraction), "feature extraction without oneDNN");
        assertTrue(Dl4jEngine.helpersActive(BatchNormFolding.fold(backbone)), "folded graph without oneDNN");
    }

    @Test
    void theShippedSampleBackboneLoadedAsTheAppLoadsItUsesOneDnn() {
        Path shipped = Path.of("sample-data", "fashion-mnist", "backbone.zip");
        assertTrue(Files.isRegularFile(shipped), shipped + " is missing");
        // Without the launcher's -D option: the code the app and the CLI call must switch the helpers on alone.
        withHelpersProperty(null, () -> {
            TrainedBackbone backbone = BackboneFile.load(shipped, false);
            assertTrue(Dl4jEngine.helpersActive(backbone.graph()), "the loaded backbone runs without oneDNN");
            ComputationGraph extraction = new FeatureExtractor(backbone, FeaturePooling.GLOBAL_AVERAGE,
                    FeatureExtractor.DEFAULT_BATCH_SIZE).extractionGraph();
            assertTrue(Dl4jEngine.helpersActive(extraction),
                    "the sample's feature cache would be built without oneDNN");
        });
    }

    @Test
    void initializeAloneSwitchesTheHelpersOn() {
        withHelpersProperty(null, () -> {
            Dl4jEngine.initialize();
            assertEquals("false", System.getProperty(Dl4jEngine.HELPERS_DISABLE_PROPERTY));
            assertTrue(Dl4jEngine.helpersActive(SMALL.build(3)), "the app would run without oneDNN helpers unless"
                    + " its launcher passes -D" + Dl4jEngine.HELPERS_DISABLE_PROPERTY + "=false");
        });
    }

    @Test
    void theCheckNoticesMissingHelpers() {
        // DL4J's own default: no helpers are created, and the check must say so.
        withHelpersProperty("true", () -> {
            ComputationGraph graph = new ComputationGraph(SMALL.configuration(4, NetworkSettings.defaults()));
            graph.init();
            assertFalse(Dl4jEngine.helpersActive(graph));
        });
    }

    /** Runs a check with DL4J's helper property set to a value (null: unset), then restores it. */
    private static void withHelpersProperty(String value, Runnable check) {
        String before = System.getProperty(Dl4jEngine.HELPERS_DISABLE_PROPERTY);
        try {
            setHelpersProperty(value);
            check.run();
        } finally {
            setHelpersProperty(before);
        }
    }

    private static void setHelpersProperty(String value) {
        if (value == null) {
            System.clearProperty(Dl4jEngine.HELPERS_DISABLE_PROPERTY);
        } else {
            System.setProperty(Dl4jEngine.HELPERS_DISABLE_PROPERTY, value);
        }
    }

    private static ComputationGraph plainConvolutionGraph() {
        Dl4jEngine.initialize();
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("gap", new GlobalPoolingLayer(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }
}
