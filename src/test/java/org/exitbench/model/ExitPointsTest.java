package org.exitbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

class ExitPointsTest {

    private static final BackboneSpec SMALL = TestBackbones.tinySpec(3);
    private static final ComputationGraphConfiguration CONF = SMALL.configuration(1, NetworkSettings.defaults());

    @Test
    void defaultsAreStagesOneToThreeForResNet18AndAllButTheLastForSmallResNets() {
        assertEquals(List.of("stage1", "stage2", "stage3"),
                ExitPoints.defaultsFor(BackboneSpec.resnet18Cifar(3, 32, 32, 10)).vertices());
        ExitPoints small = ExitPoints.defaultsFor(SMALL);
        assertEquals(List.of("stage1", "stage2"), small.vertices());
        assertEquals(3, small.exitCount());
        assertEquals(ExitPoints.FINAL, small.label(2));
        assertThrows(IllegalArgumentException.class, () -> ExitPoints.defaultsFor(
                BackboneSpec.smallResNet(List.of(8), List.of(1), 1, 8, 8, 2)));
        assertThrows(IllegalArgumentException.class, () -> ExitPoints.defaultsFor(BackboneSpec.external(1, 8, 8, 2)));
    }

    @Test
    void anyFeatureMapOnThePathCanBeAnExit() {
        ExitPoints.of("s1b1_relu1", "stage2").validate(CONF, input());
    }

    @Test
    void unknownVertexIsNamedWithTheAvailableStages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExitPoints.of("stage1", "stage7").validate(CONF, input()));
        assertTrue(e.getMessage().contains("'stage7'") && e.getMessage().contains("stage1, stage2, stage3"),
                e.getMessage());
    }

    @Test
    void exitsMustBeFeatureMapsInOrderBeforeTheHead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExitPoints.of("stage2", "stage1").validate(CONF, input()));
        assertTrue(e.getMessage().contains("does not come before"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExitPoints.of(BackboneVertices.GLOBAL_POOL).validate(CONF, input()));
        assertTrue(e.getMessage().contains("feature map"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExitPoints.of(BackboneVertices.OUTPUT).validate(CONF, input()));
        assertTrue(e.getMessage().contains("output"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExitPoints.of("stage1", "stage1"));
        assertThrows(IllegalArgumentException.class, () -> new ExitPoints(List.of()));
    }

    private static InputType input() {
        return SMALL.inputType(CNN2DFormat.NCHW);
    }
}
