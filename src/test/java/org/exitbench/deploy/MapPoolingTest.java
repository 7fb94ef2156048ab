package org.exitbench.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.exitbench.model.FeaturePooling;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The predictor pools an exit's map in the layout its segment hands it on (NHWC in folded segments) and must give the
 * very floats the workbench's feature cache holds, which {@link FeaturePooling} computes on NCHW maps.
 */
@Tag("slow")
class MapPoolingTest {

    @Test
    void poolingAnNhwcMapGivesExactlyWhatPoolingItsNchwTranspositionGives() {
        int count = 3;
        int channels = 5;
        int height = 7;
        int width = 6;
        SplittableRandom random = new SplittableRandom(9);
        float[] nhwc = new float[count * height * width * channels];
        for (int i = 0; i < nhwc.length; i++) {
            nhwc[i] = (float) random.nextGaussian();
        }
        // The reference transposition by ND4J, as the workbench's extraction hands NHWC maps to FeaturePooling.
        float[] nchw = Nd4j.create(nhwc, new long[] {count, height, width, channels}, 'c').permute(0, 3, 1, 2)
                .dup('c').data().asFloat();
        for (FeaturePooling pooling : new FeaturePooling[] {FeaturePooling.GLOBAL_AVERAGE,
                FeaturePooling.adaptiveAverage(2), FeaturePooling.adaptiveAverage(3)}) {
            float[] expected = new float[count * pooling.featureDim(channels)];
            pooling.pool(nchw, count, channels, height, width, expected, 0);
            assertArrayEquals(expected, EarlyExitPredictor.pool(pooling, CNN2DFormat.NHWC, nhwc, count, channels,
                    height, width), pooling.describe() + " from NHWC");
            assertArrayEquals(expected, EarlyExitPredictor.pool(pooling, CNN2DFormat.NCHW, nchw, count, channels,
                    height, width), pooling.describe() + " from NCHW");
        }
    }
}
