package org.exitbench.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.exitbench.data.Dataset;
import org.exitbench.model.Architecture;
import org.exitbench.model.BackboneSpec;
import org.exitbench.train.BackboneTrainingConfig;

/**
 * How to train a new backbone in the workspace: the architecture and the few training settings the form shows;
 * everything else keeps {@link BackboneTrainingConfig#defaults(int)}. The papers use a frozen, pre-trained ResNet-18
 * (BTS-EE abstract) and say nothing of how it was trained, so every value here is ours.
 *
 * @param architecture a small ResNet or ResNet-18 (CIFAR style)
 * @param widths       channels per stage of the small ResNet (ignored by ResNet-18)
 * @param blocks       BasicBlocks per stage of the small ResNet (ignored by ResNet-18)
 * @param epochs       the most epochs
 * @param optimizer    SGD with Nesterov momentum or Adam
 * @param learningRate the initial learning rate (cosine schedule)
 * @param batchSize    images per mini-batch
 * @param seed         the seed of the initial weights and the data order
 */
public record NewBackboneSettings(Architecture architecture, List<Integer> widths, List<Integer> blocks, int epochs,
        BackboneTrainingConfig.Optimizer optimizer, double learningRate, int batchSize, long seed) {

    public NewBackboneSettings {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(optimizer, "optimizer");
        widths = List.copyOf(widths);
        blocks = List.copyOf(blocks);
    }

    /**
     * The shape of the sample's shipped backbone (small ResNet 16/32/64/128, one block per stage), 10 epochs of
     * SGD at 0.05 in batches of 64, seed 42.
     */
    public static NewBackboneSettings defaults() {
        return new NewBackboneSettings(Architecture.SMALL_RESNET, List.of(16, 32, 64, 128), List.of(1, 1, 1, 1), 10,
                BackboneTrainingConfig.Optimizer.SGD_NESTEROV, 0.05, 64, 42L);
    }

    /**
     * @param dataset the dataset it will learn
     * @return the network for the dataset's images and classes
     * @throws IllegalArgumentException naming what is wrong with the widths or blocks
     */
    public BackboneSpec spec(Dataset dataset) {
        return switch (architecture) {
            case RESNET18_CIFAR -> BackboneSpec.resnet18Cifar(dataset.channels(), dataset.height(), dataset.width(),
                    dataset.numClasses());
            case SMALL_RESNET -> BackboneSpec.smallResNet(widths, blocks, dataset.channels(), dataset.height(),
                    dataset.width(), dataset.numClasses());
            case EXTERNAL -> throw new IllegalArgumentException("an external backbone cannot be trained here; load"
                    + " its file instead");
        };
    }

    /**
     * @param channels the images' channels, which decide the default augmentation
     * @return the training settings
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public BackboneTrainingConfig trainingConfig(int channels) {
        return BackboneTrainingConfig.builder(channels).optimizer(optimizer).learningRate(learningRate)
                .epochs(epochs).batchSize(batchSize).seed(seed).build();
    }

    /** @return the exit vertices a backbone of this shape offers: every stage output but the last */
    public List<String> exitVertices() {
        int stages = architecture == Architecture.RESNET18_CIFAR ? BackboneSpec.RESNET18_WIDTHS.size() : widths.size();
        List<String> vertices = new ArrayList<>();
        for (int s = 1; s < stages; s++) {
            vertices.add("stage" + s);
        }
        return vertices;
    }
}
