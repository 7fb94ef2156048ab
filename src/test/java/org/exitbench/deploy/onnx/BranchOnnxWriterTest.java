package org.exitbench.deploy.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.NetworkSettings;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** What the branch writer refuses rather than writing a different network. */
class BranchOnnxWriterTest {

    @Test
    void aTwoLayerBranchIsRefusedByName() {
        BranchSpec deep = BranchSpec.defaults().withLayers(2);
        ExitBranch branch = ExitBranch.create(deep, new BranchInput(16, 1, 10), 1L, NetworkSettings.defaults(),
                new LossMCXENT());
        OnnxExportException error = assertThrows(OnnxExportException.class,
                () -> BranchOnnxWriter.model(branch, FeaturePooling.GLOBAL_AVERAGE, 16, 8, 8, "test"));
        assertTrue(error.getMessage().contains("2 layers of 16 filters")
                && error.getMessage().contains("one-layer branches only"), error.getMessage());
    }
}
