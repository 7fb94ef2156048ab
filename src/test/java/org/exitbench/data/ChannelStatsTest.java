package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-channel mean and standard deviation on fixtures whose statistics are known by hand. */
class ChannelStatsTest {

    private static final double EPS = 1e-12;

    @Test
    void measuresMeanAndPopulationStdOfEachChannelOverAllImages() {
        // Two RGB 1x2 images. Channel 0: 0, 51, 102, 153 (0, .2, .4, .6): mean .3, variance .05.
        // Channel 1: 255 everywhere: std 0, replaced by 1. Channel 2: 0, 255, 255, 0: mean .5, std .5.
        byte[] pixels = {
            0, 51, (byte) 255, (byte) 255, 0, (byte) 255,
            102, (byte) 153, (byte) 255, (byte) 255, (byte) 255, 0,
        };
        ImageDataset data = new ImageDataset(pixels, new int[] {0, 0}, 3, 1, 2, List.of("only"),
                List.of("a", "b"));

        ChannelStats stats = ChannelStats.of(data);

        assertArrayEquals(new double[] {0.3, 1.0, 0.5}, stats.mean(), EPS);
        assertArrayEquals(new double[] {Math.sqrt(0.05), 1.0, 0.5}, stats.std(), EPS);
        assertEquals((float) ((0.2 - 0.3) / Math.sqrt(0.05)), stats.normalize(0, 51), 1e-6);
        assertEquals(1f, stats.normalize(2, 255), 1e-6);
    }

    @Test
    void identityLeavesScaledValuesUnchanged() {
        ChannelStats identity = ChannelStats.identity(3);

        assertEquals(3, identity.channels());
        assertEquals(1f, identity.normalize(1, 255), 0f);
        assertEquals(0f, identity.normalize(2, 0), 0f);
    }
}
