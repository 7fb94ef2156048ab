package org.exitbench.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs a frozen backbone once over a split and keeps, per image, the pooled feature map at every exit point, the
 * backbone's logits and its predicted class.
 *
 * <p>It runs an inference view of the backbone: the same configuration and the same parameter array, with the exit
 * vertices and the head's input declared as outputs. DL4J then returns just those activations from one pass,
 * detached from its workspaces, instead of every vertex's activation as {@code feedForward} would (about 1 GB per
 * batch of 128 for ResNet-18). Batch-norm uses its running statistics. The logits are the head's pre-softmax
 * values, computed from its input and weights, when the head is a softmax output layer without preprocessor;
 * otherwise the log of its softmax ({@link LogitsKind}).
 *
 * <p>DL4J 1.0.0-M2.1 fails with a NullPointerException in {@code output} when a requested output is fed directly by
 * the network input; for such exit points (never a stage output of our ResNets) the extractor falls back to
 * {@code feedForward}, which computes every activation.
 */
public final class FeatureExtractor {

    /** The default number of images per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 128;

    private final TrainedBackbone backbone;
    private final FeaturePooling pooling;
    private final int batchSize;
    private final List<ExitFeatureShape> shapes;
    private final CNN2DFormat format;
    private final LogitsKind logitsKind;
    private final ComputationGraph view;
    private final List<String> viewOutputs;
    private final boolean useFeedForward;
    private final INDArray headWeights;
    private final INDArray headBias;

    /**
     * @param backbone  the frozen backbone; its exit points say where features are taken
     * @param pooling   how each feature map is pooled
     * @param batchSize images per forward pass
     */
    public FeatureExtractor(TrainedBackbone backbone, FeaturePooling pooling, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.backbone = backbone;
        this.pooling = pooling;
        this.batchSize = batchSize;
        ComputationGraph graph = backbone.graph();
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        this.format = TrainedBackbone.inputFormat(graph);
        this.shapes = exitShapes(backbone, pooling);

        String head = conf.getNetworkOutputs().get(0);
        LayerVertex headVertex = conf.getVertices().get(head) instanceof LayerVertex lv ? lv : null;
        boolean softmaxHead = headVertex != null && headVertex.getPreProcessor() == null
                && headVertex.getLayerConf().getLayer() instanceof BaseOutputLayer out
                && out.getActivationFn() instanceof ActivationSoftmax && out.hasBias()
                && graph.getLayer(head).paramTable().containsKey("W");
        this.logitsKind = softmaxHead ? LogitsKind.PRE_SOFTMAX : LogitsKind.LOG_SOFTMAX;
        String logitsSource = softmaxHead ? conf.getVertexInputs().get(head).get(0) : head;
        this.headWeights = softmaxHead ? graph.getLayer(head).getParam("W") : null;
        this.headBias = softmaxHead ? graph.getLayer(head).getParam("b") : null;

        List<String> outputs = new ArrayList<>(backbone.exitPoints().vertices());
        outputs.add(logitsSource);
        this.viewOutputs = List.copyOf(outputs);
        this.useFeedForward = outputs.stream().anyMatch(vertex -> conf.getVertexInputs().getOrDefault(vertex, List.of())
                .stream().anyMatch(conf.getNetworkInputs()::contains));
        conf.setNetworkOutputs(outputs);
        Dl4jEngine.initialize();
        this.view = new ComputationGraph(conf);
        this.view.init(graph.params(), false);
    }

    /** @return the feature map and pooled size at each early exit */
    public List<ExitFeatureShape> exitShapes() {
        return shapes;
    }

    /** @return whether the cached logits are pre-softmax values or log-softmax */
    public LogitsKind logitsKind() {
        return logitsKind;
    }

    /** @return the pooling applied at every exit */
    public FeaturePooling pooling() {
        return pooling;
    }

    /**
     * Extracts the features of every image of a split, in dataset order.
     *
     * @param images   images of the backbone's geometry and classes
     * @param progress receives ("Extracting features", images done, images in all) after each batch
     * @param cancel   polled before each batch
     * @throws IllegalArgumentException when the images do not fit the backbone, or the features would not fit in
     *                                  one Java array
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public SplitFeatures extract(ImageDataset images, ProgressListener progress, CancellationToken cancel) {
        checkFits(images);
        int n = images.size();
        int exits = shapes.size();
        int classes = backbone.spec().numClasses();
        int[] dims = new int[exits];
        List<float[]> features = new ArrayList<>();
        for (int e = 0; e < exits; e++) {
            dims[e] = shapes.get(e).featureDim();
            long values = (long) n * dims[e];
            if (values > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(n + " images × " + dims[e] + " features at exit '"
                        + shapes.get(e).vertex() + "' do not fit in one array; use a smaller pooling grid");
            }
            features.add(new float[(int) values]);
        }
        float[] logits = new float[n * classes];
        int[] predictions = new int[n];
        ImageDataSetIterator batches = ImageDataSetIterator.inOrder(images, batchSize, backbone.stats());
        int done = 0;
        progress.report("Extracting features", 0, n);
        while (batches.hasNext()) {
            cancel.throwIfCancelled();
            DataSet batch = batches.next();
            INDArray input = batch.getFeatures();
            if (format == CNN2DFormat.NHWC) {
                input = input.permute(0, 2, 3, 1).dup('c');
            }
            int count = (int) input.size(0);
            INDArray[] outputs = forward(input);
            for (int e = 0; e < exits; e++) {
                ExitFeatureShape shape = shapes.get(e);
                INDArray map = format == CNN2DFormat.NHWC ? outputs[e].permute(0, 3, 1, 2) : outputs[e];
                float[] values = map.dup('c').data().asFloat();
                pooling.pool(values, count, shape.channels(), shape.height(), shape.width(), features.get(e),
                        (long) done * dims[e]);
            }
            float[] batchLogits = logits(outputs[exits]).dup('c').data().asFloat();
            if (batchLogits.length != count * classes) {
                throw new IllegalStateException("the backbone's head gives " + batchLogits.length / count
                        + " values per image, expected " + classes + " classes");
            }
            System.arraycopy(batchLogits, 0, logits, done * classes, count * classes);
            for (int i = 0; i < count; i++) {
                predictions[done + i] = argmax(batchLogits, i * classes, classes);
            }
            done += count;
            progress.report("Extracting features", done, n);
        }
        return new SplitFeatures(dims, features, classes, logits, predictions, images.labels());
    }

    private INDArray[] forward(INDArray input) {
        if (!useFeedForward) {
            return view.output(false, input);
        }
        Map<String, INDArray> all = backbone.graph().feedForward(input, false);
        return viewOutputs.stream().map(all::get).toArray(INDArray[]::new);
    }

    private INDArray logits(INDArray source) {
        if (logitsKind == LogitsKind.PRE_SOFTMAX) {
            return source.mmul(headWeights).addiRowVector(headBias);
        }
        return Transforms.log(Transforms.max(source, Float.MIN_NORMAL, true), false);
    }

    /** @return the first index of the largest value, so ties resolve to the lower class as argmax does */
    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    private void checkFits(ImageDataset images) {
        BackboneSpec spec = backbone.spec();
        if (images.channels() != spec.inputChannels() || images.height() != spec.inputHeight()
                || images.width() != spec.inputWidth()) {
            throw new IllegalArgumentException("the images are " + images.channels() + "×" + images.height() + "×"
                    + images.width() + ", the backbone takes " + spec.inputChannels() + "×" + spec.inputHeight() + "×"
                    + spec.inputWidth());
        }
        if (!images.classNames().equals(backbone.classNames())) {
            throw new IllegalArgumentException("the images' classes " + images.classNames()
                    + " differ from the backbone's " + backbone.classNames());
        }
    }

    static List<ExitFeatureShape> exitShapes(TrainedBackbone backbone, FeaturePooling pooling) {
        Map<String, InputType> types = new GraphTopology(backbone.graph().getConfiguration())
                .activationTypes(backbone.inputType());
        List<ExitFeatureShape> shapes = new ArrayList<>();
        for (String vertex : backbone.exitPoints().vertices()) {
            InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) types.get(vertex);
            int channels = (int) map.getChannels();
            shapes.add(new ExitFeatureShape(vertex, channels, (int) map.getHeight(), (int) map.getWidth(),
                    pooling.featureDim(channels)));
        }
        return List.copyOf(shapes);
    }
}
