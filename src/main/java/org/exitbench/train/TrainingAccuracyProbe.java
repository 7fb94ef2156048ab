package org.exitbench.train;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts correct predictions on the forward pass that each training update already makes, so that the running
 * training accuracy costs one small matrix product instead of a second forward pass.
 *
 * <p>DL4J hands the activations of every vertex except the output layers to {@code onForwardPass}; the output
 * layer computes its loss from its pre-activations during backpropagation and keeps nothing. For a dense
 * {@link OutputLayer} (a backbone's classifier head) the class scores are {@code input · W + b}, and their
 * argmax equals the argmax of the softmax, so the probe recomputes them from the layer's input. Other output
 * layers are not supported and leave the accuracy unmeasured (NaN).
 */
final class TrainingAccuracyProbe extends BaseTrainingListener {

    private final String inputName;
    private final OutputLayer outputLayer;
    private int[] expectedLabels;
    private long seen;
    private long correct;

    private TrainingAccuracyProbe(String inputName, OutputLayer outputLayer) {
        this.inputName = inputName;
        this.outputLayer = outputLayer;
    }

    /** @return a probe for the graph's single dense output layer, or {@code null} when it has another kind */
    static TrainingAccuracyProbe attachTo(ComputationGraph graph) {
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        if (outputs.size() != 1) {
            return null;
        }
        Layer layer = graph.getLayer(outputs.get(0));
        List<String> inputs = graph.getConfiguration().getVertexInputs().get(outputs.get(0));
        if (!(layer instanceof OutputLayer dense) || inputs == null || inputs.size() != 1) {
            return null;
        }
        TrainingAccuracyProbe probe = new TrainingAccuracyProbe(inputs.get(0), dense);
        graph.addListeners(probe);
        return probe;
    }

    /** Tells the probe the true labels of the batch about to be trained. */
    void expect(int[] labels) {
        this.expectedLabels = labels;
    }

    /** Starts counting afresh, at the start of an epoch. */
    void reset() {
        seen = 0;
        correct = 0;
    }

    /** @return the fraction of images counted since {@link #reset()} that were classified right */
    double accuracy() {
        return seen == 0 ? Double.NaN : (double) correct / seen;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        INDArray input = activations.get(inputName);
        if (input == null || expectedLabels == null || input.size(0) != expectedLabels.length) {
            return;
        }
        INDArray weights = outputLayer.getParam("W");
        INDArray bias = outputLayer.getParam("b");
        INDArray features = input.rank() == 2 ? input : input.reshape('c', input.size(0), weights.size(0));
        int[] predicted = Nd4j.argMax(features.mmul(weights).addiRowVector(bias), 1).toIntVector();
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == expectedLabels[i]) {
                correct++;
            }
        }
        seen += predicted.length;
        expectedLabels = null;
    }
}
