package org.exitbench.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Measures the top-1 accuracy of a classifier graph on a split, batch by batch and cancellable. */
public final class AccuracyEvaluator {

    private AccuracyEvaluator() {
    }

    /**
     * @param graph     a graph with one softmax output over the split's classes
     * @param split     the images to classify
     * @param stats     the normalisation the graph was trained with
     * @param batchSize images per forward pass
     * @param cancel    polled between batches
     * @return the fraction classified right; NaN for an empty split
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static double accuracy(ComputationGraph graph, ImageDataset split, ChannelStats stats, int batchSize,
                                  CancellationToken cancel) {
        return accuracy(graph, split, stats, batchSize, "Measuring accuracy", ProgressListener.NONE, cancel);
    }

    /**
     * Like {@link #accuracy(ComputationGraph, ImageDataset, ChannelStats, int, CancellationToken)}, reporting
     * the images classified so far.
     *
     * @param message  the progress message, e.g. "Measuring test accuracy"
     * @param progress receives one report per batch
     */
    public static double accuracy(ComputationGraph graph, ImageDataset split, ChannelStats stats, int batchSize,
                                  String message, ProgressListener progress, CancellationToken cancel) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        ImageDataSetIterator batches = ImageDataSetIterator.inOrder(split, batchSize, stats);
        long correct = 0;
        int offset = 0;
        while (batches.hasNext()) {
            cancel.throwIfCancelled();
            DataSet batch = batches.next();
            INDArray output = graph.outputSingle(false, batch.getFeatures());
            int[] predicted = Nd4j.argMax(output, 1).toIntVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == split.label(offset + i)) {
                    correct++;
                }
            }
            offset += predicted.length;
            progress.report(message, offset, split.size());
        }
        return (double) correct / split.size();
    }
}
