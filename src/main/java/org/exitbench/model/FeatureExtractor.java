package org.exitbench.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.data.ImageDataSetIterator;
import org.exitbench.data.ImageDataset;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs a frozen backbone once over a split and keeps, per image, the pooled feature map at every exit point, the
 * backbone's logits and its predicted class.
 *
 * <p>It runs an extraction graph derived from the backbone once, in the constructor: batch-norm folded into the
 * convolutions and computing in NHWC ({@link BatchNormFolding}), with a global average pooling layer after each
 * exit point and the head's pre-softmax logits as a dense layer with the head's weights, all declared as outputs.
 * One forward pass then returns only those small arrays, detached from DL4J's workspaces: feature maps never
 * leave the workspaces, and batch-norm costs nothing. With a pooling grid above 1 the exit maps themselves are
 * returned and pooled here. When the head is not a softmax output layer without preprocessor, the logits are the
 * log of its softmax ({@link LogitsKind}).
 *
 * <p>The folded graph gives the backbone's function up to float rounding (about 1e-6 relative; see
 * BatchNormFoldingTest); batch-norm uses its running statistics, as in the backbone's inference mode.
 */
public final class FeatureExtractor implements BackboneFeatures {

    /** The default number of images per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 128;

    /** Prefix of the vertices the extraction graph adds, chosen not to collide with a backbone's own names. */
    private static final String ADDED = "exitbench_extract_";

    private final TrainedBackbone backbone;
    private final FeaturePooling pooling;
    private final int batchSize;
    private final List<ExitFeatureShape> shapes;
    private final LogitsKind logitsKind;
    private final ComputationGraph extraction;
    /** Per exit, whether the extraction graph's map there is NHWC (pooled here when the grid is above 1). */
    private final boolean[] nhwcMaps;

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
        this.shapes = exitShapes(backbone, pooling);
        ComputationGraph graph = backbone.graph();
        ComputationGraphConfiguration conf = graph.getConfiguration();

        String head = conf.getNetworkOutputs().get(0);
        LayerVertex headVertex = conf.getVertices().get(head) instanceof LayerVertex lv ? lv : null;
        boolean softmaxHead = headVertex != null && headVertex.getPreProcessor() == null
                && headVertex.getLayerConf().getLayer() instanceof BaseOutputLayer out
                && out.getActivationFn() instanceof ActivationSoftmax && out.hasBias()
                && graph.getLayer(head).paramTable().containsKey("W");
        this.logitsKind = softmaxHead ? LogitsKind.PRE_SOFTMAX : LogitsKind.LOG_SOFTMAX;
        String logitsSource = softmaxHead ? conf.getVertexInputs().get(head).get(0) : head;

        Set<String> keep = new LinkedHashSet<>(backbone.exitPoints().vertices());
        keep.add(logitsSource);
        Dl4jEngine.initialize();
        ComputationGraph folded = BatchNormFolding.fold(graph, backbone.inputType(), keep, CNN2DFormat.NHWC);
        Map<String, InputType> foldedTypes = new GraphTopology(folded.getConfiguration())
                .activationTypes(backbone.inputType());
        this.nhwcMaps = new boolean[shapes.size()];
        for (int e = 0; e < shapes.size(); e++) {
            nhwcMaps[e] = ((InputType.InputTypeConvolutional) foldedTypes.get(shapes.get(e).vertex())).getFormat()
                    == CNN2DFormat.NHWC;
        }
        this.extraction = extractionGraph(folded, backbone.inputType(), softmaxHead, head, logitsSource);
        if (softmaxHead) {
            org.deeplearning4j.nn.api.Layer logits = extraction.getLayer(ADDED + "logits");
            logits.setParam("W", graph.getLayer(head).getParam("W"));
            logits.setParam("b", graph.getLayer(head).getParam("b"));
        }
    }

    /**
     * The folded graph with, per exit, a global average pooling layer (grid 1) or an identity layer that hands the
     * map out (DL4J cannot output a vertex fed directly by the network input), and the logits as outputs.
     */
    private ComputationGraph extractionGraph(ComputationGraph folded, InputType input, boolean softmaxHead,
                                             String head, String logitsSource) {
        ComputationGraphConfiguration conf = folded.getConfiguration();
        ComputationGraphConfiguration.GraphBuilder builder = new ComputationGraphConfiguration.GraphBuilder(conf,
                new NeuralNetConfiguration.Builder()
                        .dataType(DataType.FLOAT)
                        .trainingWorkspaceMode(conf.getTrainingWorkspaceMode())
                        .inferenceWorkspaceMode(conf.getInferenceWorkspaceMode())
                        .cacheMode(conf.getCacheMode()))
                .setInputTypes(input);
        List<String> outputs = new ArrayList<>();
        for (int e = 0; e < shapes.size(); e++) {
            String name = ADDED + "exit" + e;
            Layer layer = pooling.grid() == 1 ? new GlobalPoolingLayer.Builder(PoolingType.AVG).build()
                    : new ActivationLayer.Builder().activation(Activation.IDENTITY).build();
            builder.addLayer(name, layer, shapes.get(e).vertex());
            outputs.add(name);
        }
        if (softmaxHead) {
            BaseOutputLayer out = (BaseOutputLayer) ((LayerVertex) conf.getVertices().get(head)).getLayerConf()
                    .getLayer();
            builder.removeVertex(head);
            builder.addLayer(ADDED + "logits", new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut())
                    .activation(Activation.IDENTITY).build(), logitsSource);
            outputs.add(ADDED + "logits");
        } else {
            outputs.add(head);
        }
        builder.setOutputs(outputs.toArray(String[]::new));
        ComputationGraph extraction = new ComputationGraph(builder.build());
        extraction.init();
        for (org.deeplearning4j.nn.api.Layer layer : folded.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (extraction.getConfiguration().getVertices().containsKey(name)) {
                for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
                    extraction.getLayer(name).setParam(param.getKey(), param.getValue());
                }
            }
        }
        return extraction;
    }

    /** @return the feature map and pooled size at each early exit */
    @Override
    public List<ExitFeatureShape> exitShapes() {
        return shapes;
    }

    /** @return whether the cached logits are pre-softmax values or log-softmax */
    @Override
    public LogitsKind logitsKind() {
        return logitsKind;
    }

    /** @return the graph run per batch (folded backbone plus pooling and logits outputs), for checks in tests */
    ComputationGraph extractionGraph() {
        return extraction;
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
    @Override
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
            INDArray input = batches.next().getFeatures();
            int count = (int) input.size(0);
            run(input, features, logits, done);
            for (int i = 0; i < count; i++) {
                predictions[done + i] = argmax(logits, (done + i) * classes, classes);
            }
            done += count;
            progress.report("Extracting features", done, n);
        }
        return new SplitFeatures(dims, features, classes, logits, predictions, images.labels());
    }

    /** Nothing to free: DL4J's arrays live in its workspaces. */
    @Override
    public void close() {
    }

    /**
     * The features of one batch, as {@link #extract} computes them for a split.
     *
     * @param images normalised images, N×C×H×W (as {@link ImageDataSetIterator} gives them)
     * @return per early exit N × featureDim values, then N × classes logits, all row-major
     */
    public BatchFeatures extractBatch(INDArray images) {
        int count = (int) images.size(0);
        List<float[]> features = new ArrayList<>();
        for (ExitFeatureShape shape : shapes) {
            features.add(new float[count * shape.featureDim()]);
        }
        float[] logits = new float[count * backbone.spec().numClasses()];
        run(images, features, logits, 0);
        return new BatchFeatures(features, logits);
    }

    /**
     * Pooled features and logits of one batch.
     *
     * @param features per early exit, N × featureDim values, row-major
     * @param logits   N × classes values, row-major
     */
    public record BatchFeatures(List<float[]> features, float[] logits) {
    }

    /** One forward pass; writes image {@code i} of the batch at position {@code offset + i} of each array. */
    private void run(INDArray input, List<float[]> features, float[] logits, int offset) {
        int count = (int) input.size(0);
        int classes = backbone.spec().numClasses();
        INDArray[] outputs = extraction.output(false, input);
        for (int e = 0; e < shapes.size(); e++) {
            ExitFeatureShape shape = shapes.get(e);
            if (pooling.grid() == 1) {
                copy(outputs[e], features.get(e), offset * shape.featureDim());
            } else {
                INDArray map = nhwcMaps[e] ? outputs[e].permute(0, 3, 1, 2) : outputs[e];
                pooling.pool(map.dup('c').data().asFloat(), count, shape.channels(), shape.height(), shape.width(),
                        features.get(e), (long) offset * shape.featureDim());
            }
        }
        INDArray batchLogits = outputs[shapes.size()];
        if (batchLogits.length() != (long) count * classes) {
            throw new IllegalStateException("the backbone's head gives " + batchLogits.length() / count
                    + " values per image, expected " + classes + " classes");
        }
        if (logitsKind == LogitsKind.LOG_SOFTMAX) {
            batchLogits = Transforms.log(Transforms.max(batchLogits, Float.MIN_NORMAL, false), false);
        }
        copy(batchLogits, logits, offset * classes);
    }

    /** Copies a detached output, row-major, into {@code dest} from {@code offset}. */
    private static void copy(INDArray source, float[] dest, int offset) {
        INDArray rows = source.ordering() == 'c' && !source.isView() ? source : source.dup('c');
        float[] values = rows.data().asFloat();
        System.arraycopy(values, 0, dest, offset, (int) rows.length());
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
