package org.exitbench.deploy.onnx;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.AgreementRule;
import org.exitbench.cascade.decision.EntropyRule;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.ExitHead;
import org.exitbench.cascade.decision.HeadFeatures;
import org.exitbench.cascade.decision.LearnedHeadRule;
import org.exitbench.cascade.decision.MaxSoftmaxRule;
import org.exitbench.cascade.decision.TemperatureRule;

/**
 * Writes an exit decision rule ({@code cascade.decision}, issue 20) as a few standard ONNX operators, so a deployed
 * cascade scores its exits with the same rule the workbench calibrated: the score of exit k from its branch's
 * probabilities and the answers (class and top probability) of the exits before it, exactly what
 * {@link ExitDecisionRule#scoresAt} reads.
 *
 * <ul>
 *   <li>temperature: 1 / Σ_c exp((ln max(p_c, 10⁻³⁰) − ln max(p_max, 10⁻³⁰)) / T_k);</li>
 *   <li>learned head: the features of {@link HeadFeatures} (softmax vector, top probability, top-2 margin from
 *       {@code TopK}, normalised entropy, each earlier exit's top probability and agreement) concatenated, then one
 *       {@code Gemm} (logistic) or {@code Gemm → Relu → Gemm} (one hidden layer), the standardisation folded into
 *       the first, then {@code Sigmoid};</li>
 *   <li>agreement: the base score where the class equals the previous exit's, 0 elsewhere ({@code Where}).</li>
 * </ul>
 * The graph computes in float where the workbench computes in double; the export checks the difference on real
 * images ({@link OnnxCascadeExport}). Two places use it: the {@code If} chain of {@code cascade.onnx}, where earlier
 * exits' answers are read from the enclosing graphs, and one decision model per exit in the segments shape
 * ({@link #model}).
 */
final class DecisionOnnxWriter {

    /** A decision model's input: exit k's branch probabilities, [N, C]. */
    static final String PROBABILITIES = "probabilities";
    /** A decision model's input (k &gt; 0): the classes exits 0..k−1 predicted, int64 [N, k]. */
    static final String PREVIOUS_CLASS = "previous_class";
    /** A decision model's input (k &gt; 0): the top probabilities of exits 0..k−1, [N, k]. */
    static final String PREVIOUS_CONFIDENCE = "previous_confidence";
    /** A decision model's output: the rule's score, [N]. */
    static final String SCORE = "score";
    /** A decision model's output: whether the exit takes the row (score ≥ τ[k][class]), bool [N]. */
    static final String FIRES = "fires";
    /** A decision model's output: the exit's class, int64 [N]. */
    static final String CLASS = "class";
    // As TemperatureRule floors probabilities a float softmax rounded to 0.
    private static final float TEMPERATURE_FLOOR = 1e-30f;

    private DecisionOnnxWriter() {
    }

    /**
     * One exit's answer as tensors of the graph being written.
     *
     * @param probabilities the branch's probabilities, float [N, C]
     * @param predicted     the first largest class, int64 [N]
     * @param confidence    the largest probability, float [N]
     */
    record Answer(String probabilities, String predicted, String confidence) {
    }

    /**
     * Writes exit k's score.
     *
     * @param answers the answers of exits 0..k (k's last), tensors of {@code g} or of a graph enclosing it
     * @return the score tensor, float [N]
     */
    static String score(OnnxGraphBuilder g, ExitDecisionRule rule, int k, int classes, List<Answer> answers) {
        if (answers.size() != k + 1) {
            throw new IllegalArgumentException("exit " + k + " needs the answers of " + (k + 1) + " exits, got "
                    + answers.size());
        }
        Answer own = answers.get(k);
        String tag = "e" + (k + 1);
        if (rule instanceof MaxSoftmaxRule) {
            return own.confidence();
        }
        if (rule instanceof EntropyRule) {
            return g.node("Sub", "certainty_" + tag, List.of(g.floats("one_" + tag, new float[] {1f}, 1),
                    reshape(g, entropy(g, own.probabilities(), classes, tag), tag, -1)));
        }
        if (rule instanceof TemperatureRule t) {
            return temperature(g, own.probabilities(), (float) t.temperatures()[k], tag);
        }
        if (rule instanceof LearnedHeadRule heads) {
            return head(g, heads.heads().get(k), k, classes, answers, tag);
        }
        if (rule instanceof AgreementRule agreement) {
            String base = score(g, agreement.base(), k, classes, answers);
            if (k == 0) {
                return base;
            }
            String agrees = g.node("Equal", "agrees_" + tag, List.of(own.predicted(), answers.get(k - 1).predicted()));
            return g.node("Where", "agreed_score_" + tag, List.of(agrees, base,
                    g.floats("zero_score_" + tag, new float[] {0f}, 1)));
        }
        throw new IllegalArgumentException("no ONNX translation for the decision rule " + rule.id());
    }

    /**
     * Writes the exit test on a score: τ[k][ĉ] looked up by class, thresholds rounded up to floats
     * ({@link CascadeOnnxAssembler#ceilFloat}) so the float comparison decides as the workbench's double one.
     *
     * @return the bool [N] tensor "score ≥ τ"
     */
    static String fires(OnnxGraphBuilder g, Thresholds thresholds, int k, String score, String predicted) {
        double[] row = thresholds.row(k);
        float[] tau = new float[row.length];
        for (int c = 0; c < row.length; c++) {
            tau[c] = CascadeOnnxAssembler.ceilFloat(row[c]);
        }
        String lookedUp = g.node("Gather", "tau_e" + (k + 1), List.of(g.floats("thresholds_e" + (k + 1), tau,
                row.length), predicted), OnnxGraphBuilder.integer("axis", 0));
        return g.node("GreaterOrEqual", "fires_e" + (k + 1), List.of(score, lookedUp));
    }

    /**
     * Exit k's decision as a model of its own, for the segments shape: {@value #PROBABILITIES} [N, C] (and, for
     * k &gt; 0, {@value #PREVIOUS_CLASS} int64 [N, k] and {@value #PREVIOUS_CONFIDENCE} [N, k]) in;
     * {@value #SCORE}, {@value #FIRES} and {@value #CLASS} out. A runtime calls it after exit k's branch on the rows
     * still running, carrying each row's earlier classes and top probabilities along.
     */
    static Onnx.ModelProto model(ExitDecisionRule rule, Thresholds thresholds, int k, int classes, int opset) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("decision" + (k + 1));
        g.input(PROBABILITIES, Onnx.TensorProto.DataType.FLOAT, "batch", (long) classes);
        List<Answer> answers = new ArrayList<>();
        if (k > 0) {
            g.input(PREVIOUS_CLASS, Onnx.TensorProto.DataType.INT64, "batch", (long) k);
            g.input(PREVIOUS_CONFIDENCE, Onnx.TensorProto.DataType.FLOAT, "batch", (long) k);
            for (int j = 0; j < k; j++) {
                String column = g.longs("column" + (j + 1), new long[] {j});
                answers.add(new Answer(null, g.node("Gather", "class_e" + (j + 1), List.of(PREVIOUS_CLASS, column),
                        OnnxGraphBuilder.integer("axis", 1)), g.node("Gather", "confidence_e" + (j + 1),
                        List.of(PREVIOUS_CONFIDENCE, column), OnnxGraphBuilder.integer("axis", 1))));
            }
        }
        String predicted = g.node("ArgMax", "class_e" + (k + 1), List.of(PROBABILITIES),
                OnnxGraphBuilder.integer("axis", 1), OnnxGraphBuilder.integer("keepdims", 0));
        String confidence = g.node("ReduceMax", "confidence_e" + (k + 1), List.of(PROBABILITIES),
                OnnxGraphBuilder.ints("axes", 1), OnnxGraphBuilder.integer("keepdims", 0));
        answers.add(new Answer(PROBABILITIES, predicted, confidence));
        String score = score(g, rule, k, classes, answers);
        String fires = fires(g, thresholds, k, score, predicted);
        g.add("Identity", List.of(score), List.of(g.reserve(SCORE)));
        g.add("Identity", List.of(fires), List.of(g.reserve(FIRES)));
        g.add("Identity", List.of(predicted), List.of(g.reserve(CLASS)));
        g.output(SCORE, Onnx.TensorProto.DataType.FLOAT, "batch");
        g.output(FIRES, Onnx.TensorProto.DataType.BOOL, "batch");
        g.output(CLASS, Onnx.TensorProto.DataType.INT64, "batch");
        return OnnxGraphBuilder.model(g.build(), opset, "Exitbench exit decision " + (k + 1) + ": " + rule.id());
    }

    /** 1 / Σ_c exp((ln p_c − ln p_max) / T), probabilities floored at 10⁻³⁰, as {@link TemperatureRule}. */
    private static String temperature(OnnxGraphBuilder g, String p, float temperature, String tag) {
        String logs = g.node("Log", "log_p_" + tag, List.of(g.node("Max", "p_floored_" + tag, List.of(p,
                g.floats("floor_" + tag, new float[] {TEMPERATURE_FLOOR}, 1)))));
        String top = g.node("ReduceMax", "log_top_" + tag, List.of(logs), OnnxGraphBuilder.ints("axes", 1),
                OnnxGraphBuilder.integer("keepdims", 1));
        String tempered = g.node("Div", "tempered_" + tag, List.of(g.node("Sub", "log_ratio_" + tag,
                List.of(logs, top)), g.floats("temperature_" + tag, new float[] {temperature}, 1)));
        String sum = g.node("ReduceSum", "partition_" + tag, List.of(g.node("Exp", "ratio_" + tag,
                List.of(tempered)), g.longs("class_axis_" + tag, new long[] {1}, 1)),
                OnnxGraphBuilder.integer("keepdims", 0));
        return g.node("Reciprocal", "tempered_top_" + tag, List.of(sum));
    }

    /** clip(H / ln C, 0, 1) as [N, 1], H the entropy (0 · ln 0 taken as 0), as {@link EntropyRule}. */
    private static String entropy(OnnxGraphBuilder g, String p, int classes, String tag) {
        String logs = g.node("Log", "log_pe_" + tag, List.of(g.node("Max", "pe_floored_" + tag, List.of(p,
                g.floats("tiny_" + tag, new float[] {Float.MIN_NORMAL}, 1)))));
        String sum = g.node("ReduceSum", "p_log_p_" + tag, List.of(g.node("Mul", "p_terms_" + tag, List.of(p, logs)),
                g.longs("entropy_axis_" + tag, new long[] {1}, 1)), OnnxGraphBuilder.integer("keepdims", 1));
        String normalised = g.node("Div", "entropy_" + tag, List.of(g.node("Neg", "h_" + tag, List.of(sum)),
                g.floats("log_classes_" + tag, new float[] {(float) Math.log(classes)}, 1)));
        return g.node("Clip", "entropy_clipped_" + tag, List.of(normalised, g.floats("clip_low_" + tag,
                new float[] {0f}), g.floats("clip_high_" + tag, new float[] {1f})));
    }

    /** The head's features ({@link HeadFeatures#write} order) → standardise → logistic or MLP → sigmoid, [N]. */
    private static String head(OnnxGraphBuilder g, ExitHead head, int k, int classes, List<Answer> answers,
                               String tag) {
        Answer own = answers.get(k);
        String p = own.probabilities();
        String top2 = g.fresh("top2_" + tag);
        g.add("TopK", List.of(p, g.longs("two_" + tag, new long[] {2}, 1)), List.of(top2, g.fresh("top2_class_"
                + tag)), OnnxGraphBuilder.integer("axis", 1));
        String first = g.node("ReduceMax", "first_" + tag, List.of(top2), OnnxGraphBuilder.ints("axes", 1),
                OnnxGraphBuilder.integer("keepdims", 1));
        String second = g.node("ReduceMin", "second_" + tag, List.of(top2), OnnxGraphBuilder.ints("axes", 1),
                OnnxGraphBuilder.integer("keepdims", 1));
        List<String> features = new ArrayList<>(List.of(p, first, g.node("Sub", "margin_" + tag,
                List.of(first, second)), entropy(g, p, classes, tag)));
        for (int j = 0; j < k; j++) {
            Answer earlier = answers.get(j);
            String jt = tag + "_" + (j + 1);
            features.add(reshape(g, earlier.confidence(), jt, -1, 1));
            String agrees = g.node("Cast", "agrees_" + jt, List.of(g.node("Equal", "same_class_" + jt,
                    List.of(earlier.predicted(), own.predicted()))), OnnxGraphBuilder.integer("to",
                    Onnx.TensorProto.DataType.FLOAT.getNumber()));
            features.add(reshape(g, agrees, jt + "_agree", -1, 1));
        }
        int f = head.inputs();
        if (f != HeadFeatures.count(classes, k)) {
            throw new IllegalArgumentException("the head of exit " + (k + 1) + " reads " + f + " features, "
                    + HeadFeatures.count(classes, k) + " are written");
        }
        String x = g.node("Concat", "features_" + tag, features, OnnxGraphBuilder.integer("axis", 1));
        // The standardisation (x − mean) / scale is folded into the first layer, in double: two operators fewer
        // per exit, which at batch 1 cost more than their arithmetic.
        int rows = head.hidden() == 0 ? 1 : head.hidden();
        double[] w = head.w1();
        double[] mean = head.mean();
        double[] scale = head.scale();
        float[] folded = new float[w.length];
        float[] bias = new float[rows];
        for (int r = 0; r < rows; r++) {
            double b = head.hidden() == 0 ? head.b2() : head.b1()[r];
            for (int c = 0; c < f; c++) {
                double wc = w[r * f + c] / scale[c];
                folded[r * f + c] = (float) wc;
                b -= wc * mean[c];
            }
            bias[r] = (float) b;
        }
        String logit;
        if (head.hidden() == 0) {
            logit = gemm(g, x, folded, 1, f, bias, "logit_" + tag);
        } else {
            String hidden = g.node("Relu", "hidden_" + tag, List.of(gemm(g, x, folded, head.hidden(), f, bias,
                    "pre_hidden_" + tag)));
            logit = gemm(g, hidden, floats(head.w2()), 1, head.hidden(), new float[] {(float) head.b2()},
                    "logit_" + tag);
        }
        return reshape(g, g.node("Sigmoid", "head_score_" + tag, List.of(logit)), tag + "_score", -1);
    }

    /** x [N, in] · Wᵀ + b with W [out, in] row-major, as {@link ExitHead} stores its layers. */
    private static String gemm(OnnxGraphBuilder g, String x, float[] w, int out, int in, float[] b, String name) {
        return g.node("Gemm", name, List.of(x, g.floats(name + "_w", w, out, in), g.floats(name + "_b", b, out)),
                OnnxGraphBuilder.integer("transB", 1));
    }

    private static String reshape(OnnxGraphBuilder g, String x, String tag, long... shape) {
        return g.node("Reshape", "reshaped_" + tag, List.of(x, g.longs("shape_" + tag, shape, shape.length)));
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
