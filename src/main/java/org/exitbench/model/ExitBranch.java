package org.exitbench.model;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.exitbench.store.AtomicFiles;
import org.exitbench.store.StoreException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * One exit branch as a network: a small DL4J {@link ComputationGraph} built from a {@link BranchSpec} for a
 * {@link BranchInput}, which reads the pooled features of one exit (rows of a feature cache, never the backbone)
 * and answers with a softmax over the classes.
 *
 * <p>This class turns cached feature rows into the network's input layout ({@link #batch}) and scores many rows
 * in batches ({@link #probabilities}). The graph is mutable while it is trained and, like every DL4J model, not
 * thread-safe.
 */
public final class ExitBranch {

    /** The most rows per forward pass when scoring. */
    public static final int SCORING_BATCH = 1024;
    /**
     * The most convolution outputs (floats) one scoring pass may hold. Larger arrays are mapped fresh from the
     * operating system on every call (glibc's malloc serves requests of 32 MiB and more, and the temporary arrays
     * of oneDNN's reorders, by mmap), so each pass page-faulted its way through them: a 128-filter branch over a
     * 64-channel vector at 1,024 rows (8.4 M floats) spent 4 to 5 times longer scoring than at 256 rows.
     */
    static final long SCORING_ACTIVATIONS = 1L << 21;

    private final ComputationGraph graph;
    private final BranchSpec spec;
    private final BranchInput input;
    private final long macs;

    /**
     * Wraps an initialised graph.
     *
     * @throws IllegalArgumentException when the graph's parameter count differs from what the spec builds
     */
    public ExitBranch(ComputationGraph graph, BranchSpec spec, BranchInput input) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.input = Objects.requireNonNull(input, "input");
        this.macs = spec.macs(input);
        long expected = 0;
        for (GraphVertex vertex : spec.configuration(input, 0L, NetworkSettings.defaults()).getVertices().values()) {
            expected += vertex instanceof LayerVertex layer ? layer.numParams(false) : 0;
        }
        if (graph.numParams() != expected) {
            throw new IllegalArgumentException("the graph has " + graph.numParams() + " parameters, a branch \""
                    + spec.describe() + "\" on " + input + " has " + expected);
        }
    }

    /**
     * Builds and initialises a new branch.
     *
     * @param seed the seed of the weight initialisation: the same seed gives the same parameters
     * @param loss the training loss of the softmax output
     */
    public static ExitBranch create(BranchSpec spec, BranchInput input, long seed, NetworkSettings settings,
                                    ILossFunction loss) {
        ComputationGraph graph = new ComputationGraph(spec.configuration(input, seed, settings, loss));
        graph.init();
        return new ExitBranch(graph, spec, input);
    }

    /** @return the network */
    public ComputationGraph graph() {
        return graph;
    }

    public BranchSpec spec() {
        return spec;
    }

    public BranchInput input() {
        return input;
    }

    /** @return the exact MACs of one forward pass */
    public long macs() {
        return macs;
    }

    /**
     * Copies cached feature rows into a network input batch.
     *
     * @param features the exit's features, N × {@link BranchInput#featureDim()} row-major
     * @param rows     the rows to take, or null for rows {@code from .. from + count − 1}
     * @param from     the first position in {@code rows} (or the first row)
     * @param count    how many rows
     * @return a float array of {@link BranchSpec#inputType} layout, {@code count} first
     */
    public INDArray batch(float[] features, int[] rows, int from, int count) {
        int dim = input.featureDim();
        float[] values;
        if (spec.type() == BranchType.CONV1D_CHANNELS && input.grid() > 1) {
            values = averagedCells(features, rows, from, count);
        } else {
            values = new float[count * dim];
            for (int i = 0; i < count; i++) {
                int row = rows == null ? from + i : rows[from + i];
                System.arraycopy(features, row * dim, values, i * dim, dim);
            }
        }
        return Nd4j.create(values, spec.batchShape(input, count), 'c');
    }

    /** The channel-vector branch on a k×k cache: the mean of each channel's k² cells (global average pooling). */
    private float[] averagedCells(float[] features, int[] rows, int from, int count) {
        int channels = input.channels();
        int cells = input.cells();
        int dim = input.featureDim();
        float[] values = new float[count * channels];
        for (int i = 0; i < count; i++) {
            int base = (rows == null ? from + i : rows[from + i]) * dim;
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                for (int j = 0; j < cells; j++) {
                    sum += features[base + c * cells + j];
                }
                values[i * channels + c] = (float) (sum / cells);
            }
        }
        return values;
    }

    /**
     * Scores feature rows.
     *
     * @param features the exit's features, N × featureDim row-major
     * @param rows     the rows to score, or null for all N
     * @return the softmax probabilities, one row of C values per scored row, in the order of {@code rows}
     */
    public float[] probabilities(float[] features, int[] rows) {
        int n = rows == null ? features.length / input.featureDim() : rows.length;
        int classes = input.classes();
        float[] out = new float[n * classes];
        int rowsPerPass = scoringBatch();
        for (int from = 0; from < n; from += rowsPerPass) {
            int count = Math.min(rowsPerPass, n - from);
            INDArray probabilities = graph.outputSingle(false, batch(features, rows, from, count));
            System.arraycopy(probabilities.data().asFloat(), 0, out, from * classes, count * classes);
        }
        return out;
    }

    /**
     * @return the rows per scoring pass: {@value #SCORING_BATCH}, fewer for a wide branch, so that the largest
     *         activation stays within {@link #SCORING_ACTIVATIONS} floats
     */
    int scoringBatch() {
        long perRow = Math.max(1, spec.activationsPerRow(input));
        return (int) Math.max(1, Math.min(SCORING_BATCH, SCORING_ACTIVATIONS / perRow));
    }

    /**
     * Saves the network (without updater state) as a DL4J model zip, atomically.
     *
     * @throws UncheckedIOException when the file cannot be written; an existing file is then unchanged
     */
    public void save(Path file) {
        AtomicFiles.write(file, out -> ModelSerializer.writeModel(graph, out, false));
    }

    /**
     * Loads a branch saved by {@link #save}.
     *
     * @param spec  the branch's architecture, as recorded next to the file
     * @param input what it reads
     * @throws StoreException naming the file when it is missing, not a DL4J model, or not this branch
     */
    public static ExitBranch load(Path file, BranchSpec spec, BranchInput input) {
        if (!Files.exists(file)) {
            throw new StoreException(file, "is missing");
        }
        ComputationGraph graph = SafeModelZip.read(file, false);
        try {
            return new ExitBranch(graph, spec, input);
        } catch (IllegalArgumentException e) {
            throw new StoreException(file, "does not hold the branch recorded for it: " + e.getMessage(), e);
        }
    }
}
