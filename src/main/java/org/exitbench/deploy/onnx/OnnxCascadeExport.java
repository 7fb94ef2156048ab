package org.exitbench.deploy.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionRuleJson;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.data.ChannelStats;
import org.exitbench.data.ImageDataset;
import org.exitbench.deploy.BackboneSegments;
import org.exitbench.deploy.CascadeParts;
import org.exitbench.deploy.CascadeProvenance;
import org.exitbench.model.BatchNormFolding;
import org.exitbench.model.Dl4jEngine;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.FeaturePooling;
import org.exitbench.model.MacTable;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.model.onnx.OnnxRuntimeSessions;
import org.exitbench.store.JsonDocuments;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exports a calibrated cascade as standard ONNX into a folder, in one of two shapes, each with its manifest
 * ({@value #MANIFEST}) and the whole backbone ({@value #BACKBONE}, the baseline without exits):
 * <pre>
 * segments:  segment1-stage1.onnx … head.onnx   one model per backbone segment (pixels → map 1, map k → map k+1,
 *            exit1-stage1.onnx …                 map K → probabilities) and per exit (map → probabilities), any batch
 * single:    cascade.onnx                        the whole cascade, exits as If nodes; batch 1; outputs class, exit,
 *                                                confidence, probabilities
 * </pre>
 *
 * <p>Every part is checked before anything is written: ONNX Runtime runs it on real images (at most
 * {@value #CHECK_IMAGES}, evenly spaced) and its output must equal the workbench engine's within {@value #TOLERANCE}
 * of the largest reference value; otherwise the export fails naming the part and, for a DL4J segment, the first
 * layer whose activation differs. The assembled cascade must then send every image to the same exit with the same
 * class as the workbench's exit test on the engine's outputs (an image whose score lies within 1e-5 of its threshold
 * is let through, since float rounding may decide it either way).
 *
 * <p>The backbone comes from DL4J ({@link #export(CascadeParts, ImageDataset, Shape, Path)}: folded as the workbench
 * runs it, split at the exits, written layer by layer) or from an imported ONNX model already cut into segments
 * ({@link #export(SegmentedBackbone, List, FeaturePooling, Thresholds, CascadeProvenance, ImageDataset, Shape, Path)}).
 */
public final class OnnxCascadeExport {

    /** The manifest's file name. */
    public static final String MANIFEST = "exitbench-onnx.json";
    /** The manifest's format and version. */
    public static final JsonDocuments.DocumentType DOCUMENT_TYPE =
            JsonDocuments.DocumentType.of("exitbench.onnx-cascade", 1);
    /** The one-file cascade's file name. */
    public static final String CASCADE = "cascade.onnx";
    /** The whole backbone's file name. */
    public static final String BACKBONE = "backbone.onnx";
    /** The head segment's file name. */
    public static final String HEAD = "head.onnx";
    /** Largest difference allowed between ONNX Runtime and the engine, relative to the largest reference value. */
    public static final double TOLERANCE = 1e-4;
    /** The most images the export is checked on. */
    public static final int CHECK_IMAGES = 32;

    private OnnxCascadeExport() {
    }

    /** The two shapes of an export. */
    public enum Shape {
        /** One model per backbone segment and per exit, for batched serving. */
        SEGMENTS(OnnxManifest.SEGMENTS),
        /** One cascade.onnx with If exits, for batch 1. */
        SINGLE(OnnxManifest.SINGLE);

        private final String label;

        Shape(String label) {
            this.label = label;
        }

        /** @return the name the manifest records */
        public String label() {
            return label;
        }
    }

    /**
     * An imported backbone already cut at its exits: K + 1 single-input, single-output ONNX models in NCHW. The first
     * reads the normalised image, segment k (k &lt; K) outputs the map at exit k, the last outputs the class
     * probabilities (or logits, see {@code headGivesLogits}).
     *
     * @param segments        the segments, input to head
     * @param exitNames       what to call each exit (the tensor it reads), K names
     * @param classNames      the classes
     * @param stats           the normalisation of pixels / 255 the first segment expects
     * @param channels        C of an input image
     * @param height          H
     * @param width           W
     * @param macsToExit      the backbone's MACs from the input to each exit
     * @param fullMacs        the whole backbone's MACs
     * @param headGivesLogits whether the last segment outputs logits (a softmax is then appended)
     * @param imageChannelsLast whether the first segment reads the normalised image as [N, H, W, C] (a model from a
     *                          channels-last framework); the exit maps must be NCHW either way
     */
    public record SegmentedBackbone(List<Onnx.ModelProto> segments, List<String> exitNames, List<String> classNames,
                                    ChannelStats stats, int channels, int height, int width, long[] macsToExit,
                                    long fullMacs, boolean headGivesLogits, boolean imageChannelsLast) {

        public SegmentedBackbone {
            segments = List.copyOf(segments);
            exitNames = List.copyOf(exitNames);
            classNames = List.copyOf(classNames);
            Objects.requireNonNull(stats, "stats");
            if (segments.size() != exitNames.size() + 1 || macsToExit.length != exitNames.size()) {
                throw new IllegalArgumentException(segments.size() + " segments, " + exitNames.size()
                        + " exit names and " + macsToExit.length + " MAC counts: K + 1, K and K are needed");
            }
            macsToExit = macsToExit.clone();
        }
    }

    /**
     * What an export wrote.
     *
     * @param folder   the folder
     * @param manifest its manifest
     * @param sizes    per file, its size in bytes
     * @param seconds  how long the export took, checks included
     */
    public record Result(Path folder, OnnxManifest manifest, Map<String, Long> sizes, double seconds) {

        /** @return the total size of the files in bytes */
        public long totalBytes() {
            return sizes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Exports a cascade with a DL4J backbone.
     *
     * @param checkImages images of the cascade's geometry to check the export on (e.g. the run's test split)
     * @param folder      the folder to write; replaced as a whole if it exists
     * @throws OnnxExportException           when a layer has no ONNX translation or ONNX Runtime disagrees with DL4J
     * @throws UnsupportedOperationException never: unsupported layers are reported as OnnxExportException
     */
    public static Result export(CascadeParts parts, ImageDataset checkImages, Shape shape, Path folder) {
        long started = System.nanoTime();
        Dl4jEngine.initialize();
        TrainedBackbone backbone = parts.backbone().withExitPoints(new ExitPoints(parts.exitVertices()));
        InputType input = backbone.inputType();
        ComputationGraph folded = BatchNormFolding.fold(backbone);
        List<ComputationGraph> dlSegments = BackboneSegments.split(folded, input, parts.exitVertices());
        Map<String, InputType> types = folded.getConfiguration().clone().getLayerActivationTypes(true, input);
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) input;
        Probe probe = Probe.of(checkImages, backbone.stats(), (int) in.getChannels(), (int) in.getHeight(),
                (int) in.getWidth());
        Map<String, Double> worst = new LinkedHashMap<>();

        List<Onnx.ModelProto> segments = new ArrayList<>();
        List<float[]> maps = new ArrayList<>();
        List<long[]> mapShapes = new ArrayList<>();
        INDArray dlInput = Nd4j.create(probe.normalised(), probe.shape(), 'c');
        float[] current = probe.normalised();
        long[] currentShape = probe.shape();
        for (int s = 0; s < dlSegments.size(); s++) {
            ComputationGraph segment = dlSegments.get(s);
            String label = s < parts.exitVertices().size() ? "segment " + (s + 1) + " (to "
                    + parts.exitVertices().get(s) + ")" : "the head segment";
            InputType segmentInput = s == 0 ? input : types.get(parts.exitVertices().get(s - 1));
            Map.Entry<Onnx.ModelProto, Dl4jOnnxWriter.Written> written;
            try {
                written = Dl4jOnnxWriter.model(segment, segmentInput, "segment_in", "segment_out", "Exitbench " + label);
            } catch (UnsupportedOperationException e) {
                throw new OnnxExportException("cannot export " + label + " to ONNX: " + e.getMessage(), e);
            }
            INDArray dlOutput = segment.outputSingle(false, dlInput).detach();
            float[] expected = nchw(dlOutput, written.getValue().types().get(Dl4jOnnxWriter.outputVertex(segment)));
            OrtCalls.Output actual;
            try (OrtSession session = OrtCalls.open(written.getKey(), 1, label)) {
                actual = OrtCalls.runSingle(session, current, currentShape);
            } catch (OrtException e) {
                throw new OnnxExportException(label + ": " + e.getMessage(), e);
            }
            double difference = relativeDifference(actual.values(), expected);
            if (!(difference <= TOLERANCE)) {
                throw new OnnxExportException(label + " differs between ONNX Runtime and DL4J by " + difference
                        + " (relative, allowed " + TOLERANCE + "); " + firstDifferingLayer(segment, dlInput,
                        written.getKey(), written.getValue(), current, currentShape));
            }
            worst.put(label, difference);
            segments.add(written.getKey());
            current = expected;
            currentShape = actual.shape();
            if (s < parts.exitVertices().size()) {
                maps.add(expected);
                mapShapes.add(actual.shape());
            }
            dlInput = dlOutput;
        }
        MacTable macs = backbone.macTable();
        long[] toExit = new long[parts.exitVertices().size()];
        for (int k = 0; k < toExit.length; k++) {
            toExit[k] = macs.cumulativeMacs(k);
        }
        Common common = new Common(parts.branches(), parts.exitVertices(), parts.pooling(), parts.thresholds(),
                parts.provenance(), backbone.classNames(), backbone.stats(), toExit, macs.total(), "dl4j", false,
                parts.decisionRule());
        return finish(common, segments, maps, mapShapes, current, probe, worst, shape, folder, started);
    }

    /**
     * Exports a cascade whose backbone was imported as ONNX and cut at its exits.
     *
     * @param branches    the trained branches, one per exit
     * @param checkImages images to check the export on
     * @param folder      the folder to write; replaced as a whole if it exists
     * @throws OnnxExportException when a part is refused by ONNX Runtime or a branch disagrees with DL4J
     */
    public static Result export(SegmentedBackbone backbone, List<ExitBranch> branches, FeaturePooling pooling,
                                Thresholds thresholds, CascadeProvenance provenance, ImageDataset checkImages,
                                Shape shape, Path folder) {
        return export(backbone, branches, pooling, thresholds, CascadeParts.builtIn(thresholds), provenance,
                checkImages, shape, folder);
    }

    /**
     * Exports a cascade whose backbone was imported as ONNX, deciding with a fitted decision rule (issue 20).
     *
     * @param decisionRule the rule whose score the thresholds compare (built in, or derived: written as ONNX
     *                     operators and checked against the rule on the check images)
     * @throws OnnxExportException when a part is refused by ONNX Runtime or disagrees with the workbench
     */
    public static Result export(SegmentedBackbone backbone, List<ExitBranch> branches, FeaturePooling pooling,
                                Thresholds thresholds, ExitDecisionRule decisionRule, CascadeProvenance provenance,
                                ImageDataset checkImages, Shape shape, Path folder) {
        long started = System.nanoTime();
        Dl4jEngine.initialize();
        Probe probe = Probe.of(checkImages, backbone.stats(), backbone.channels(), backbone.height(),
                backbone.width());
        List<Onnx.ModelProto> segments = new ArrayList<>(backbone.segments());
        if (backbone.headGivesLogits()) {
            segments.set(segments.size() - 1, withSoftmax(segments.get(segments.size() - 1)));
        }
        List<float[]> maps = new ArrayList<>();
        List<long[]> mapShapes = new ArrayList<>();
        float[] current = backbone.imageChannelsLast() ? probe.normalisedChannelsLast() : probe.normalised();
        long[] currentShape = backbone.imageChannelsLast() ? new long[] {probe.count(), probe.height(), probe.width(),
            probe.channels()} : probe.shape();
        for (int s = 0; s < segments.size(); s++) {
            try (OrtSession session = OrtCalls.open(segments.get(s), 1, "imported segment " + (s + 1))) {
                OrtCalls.Output out = OrtCalls.runSingle(session, current, currentShape);
                current = out.values();
                currentShape = out.shape();
            } catch (OrtException e) {
                throw new OnnxExportException("imported segment " + (s + 1) + ": " + e.getMessage(), e);
            }
            if (s < segments.size() - 1) {
                if (currentShape.length != 4) {
                    throw new OnnxExportException("imported segment " + (s + 1) + " outputs a tensor of shape "
                            + java.util.Arrays.toString(currentShape) + ", an exit needs an NCHW map");
                }
                maps.add(current);
                mapShapes.add(currentShape);
            }
        }
        Common common = new Common(branches, backbone.exitNames(), pooling, thresholds, provenance,
                backbone.classNames(), backbone.stats(), backbone.macsToExit(), backbone.fullMacs(), "onnx",
                backbone.imageChannelsLast(), decisionRule);
        return finish(common, segments, maps, mapShapes, current, probe, new LinkedHashMap<>(), shape, folder,
                started);
    }

    /**
     * A DL4J backbone as ONNX segments, the form an imported backbone takes: folded, split at the exits and written
     * layer by layer (not checked here; {@link #export(CascadeParts, ImageDataset, Shape, Path)} checks).
     *
     * @param exitVertices the vertices to cut at, shallow to deep
     * @throws OnnxExportException when a layer has no ONNX translation
     */
    public static SegmentedBackbone segmentsOf(TrainedBackbone backbone, List<String> exitVertices) {
        Dl4jEngine.initialize();
        TrainedBackbone cut = backbone.withExitPoints(new ExitPoints(exitVertices));
        InputType input = cut.inputType();
        ComputationGraph folded = BatchNormFolding.fold(cut);
        List<ComputationGraph> dlSegments = BackboneSegments.split(folded, input, exitVertices);
        Map<String, InputType> types = folded.getConfiguration().clone().getLayerActivationTypes(true, input);
        List<Onnx.ModelProto> segments = new ArrayList<>();
        for (int s = 0; s < dlSegments.size(); s++) {
            InputType segmentInput = s == 0 ? input : types.get(exitVertices.get(s - 1));
            try {
                segments.add(Dl4jOnnxWriter.model(dlSegments.get(s), segmentInput, "segment_in", "segment_out",
                        "Exitbench segment " + (s + 1)).getKey());
            } catch (UnsupportedOperationException e) {
                throw new OnnxExportException("cannot export segment " + (s + 1) + " to ONNX: " + e.getMessage(), e);
            }
        }
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) input;
        MacTable macs = cut.macTable();
        long[] toExit = new long[exitVertices.size()];
        for (int k = 0; k < toExit.length; k++) {
            toExit[k] = macs.cumulativeMacs(k);
        }
        return new SegmentedBackbone(segments, exitVertices, cut.classNames(), cut.stats(), (int) in.getChannels(),
                (int) in.getHeight(), (int) in.getWidth(), toExit, macs.total(), false, false);
    }

    /** What both kinds of backbone share once their segments exist. */
    private record Common(List<ExitBranch> branches, List<String> exitNames, FeaturePooling pooling,
                          Thresholds thresholds, CascadeProvenance provenance, List<String> classNames,
                          ChannelStats stats, long[] macsToExit, long fullMacs, String source,
                          boolean imageChannelsLast, ExitDecisionRule decisionRule) {

        Common {
            CascadeParts.checkDecisionRule(decisionRule, thresholds, branches.size());
        }

        boolean derived() {
            return thresholds.rule() == org.exitbench.cascade.ExitRule.DERIVED;
        }
    }

    /**
     * Writes and checks the exits, assembles the files, checks the cascade's decisions and writes the folder.
     *
     * @param maps          per exit, the engine's maps of the probe images (NCHW)
     * @param probabilities the engine's class probabilities of the probe images
     */
    private static Result finish(Common c, List<Onnx.ModelProto> segments, List<float[]> maps,
                                 List<long[]> mapShapes, float[] probabilities, Probe probe,
                                 Map<String, Double> worst, Shape shape, Path folder, long started) {
        int exits = c.branches().size();
        int classes = c.classNames().size();
        if (c.thresholds().exitCount() != exits || c.thresholds().classCount() != classes) {
            throw new IllegalArgumentException("the thresholds are " + c.thresholds().exitCount() + " exits × "
                    + c.thresholds().classCount() + " classes, the cascade has " + exits + " exits and " + classes
                    + " classes");
        }
        List<Onnx.ModelProto> branches = new ArrayList<>();
        List<float[]> branchProbabilities = new ArrayList<>();
        for (int k = 0; k < exits; k++) {
            long[] map = mapShapes.get(k);
            String label = "exit " + (k + 1) + " (" + c.exitNames().get(k) + ")";
            ExitBranch branch = c.branches().get(k);
            Onnx.ModelProto model = BranchOnnxWriter.model(branch, c.pooling(), (int) map[1], (int) map[2],
                    (int) map[3], "Exitbench " + label);
            float[] features = new float[probe.count() * c.pooling().featureDim((int) map[1])];
            c.pooling().pool(maps.get(k), probe.count(), (int) map[1], (int) map[2], (int) map[3], features, 0);
            float[] expected = branch.probabilities(features, null);
            float[] actual;
            try (OrtSession session = OrtCalls.open(model, 1, label)) {
                actual = OrtCalls.runSingle(session, maps.get(k), map).values();
            } catch (OrtException e) {
                throw new OnnxExportException(label + ": " + e.getMessage(), e);
            }
            double difference = relativeDifference(actual, expected);
            if (!(difference <= TOLERANCE)) {
                throw new OnnxExportException(label + " (pooling and branch \"" + branch.spec().describe()
                        + "\") differs between ONNX Runtime and DL4J by " + difference + " (relative, allowed "
                        + TOLERANCE + ")");
            }
            worst.put(label, difference);
            branches.add(model);
            branchProbabilities.add(expected);
        }
        CascadeOnnxAssembler assembler = new CascadeOnnxAssembler(segments, branches, c.stats(), probe.channels(),
                probe.height(), probe.width(), classes, c.thresholds(), c.imageChannelsLast(), c.decisionRule());
        Map<String, Onnx.ModelProto> files = new LinkedHashMap<>();
        List<OnnxManifest.Exit> exitList = new ArrayList<>();
        for (int k = 0; k < exits; k++) {
            String name = safe(c.exitNames().get(k));
            String segmentFile = shape == Shape.SEGMENTS ? "segment" + (k + 1) + "-" + name + ".onnx" : null;
            String branchFile = shape == Shape.SEGMENTS ? "exit" + (k + 1) + "-" + name + ".onnx" : null;
            String decisionFile = shape == Shape.SEGMENTS && c.derived() ? "decision" + (k + 1) + "-" + name
                    + ".onnx" : null;
            if (shape == Shape.SEGMENTS) {
                files.put(segmentFile, assembler.segment(k));
                files.put(branchFile, assembler.branch(k));
                if (decisionFile != null) {
                    files.put(decisionFile, assembler.decision(k));
                }
            }
            long[] map = mapShapes.get(k);
            ExitBranch branch = c.branches().get(k);
            exitList.add(new OnnxManifest.Exit(c.exitNames().get(k), segmentFile, branchFile, branch.spec(),
                    branch.macs(), c.macsToExit()[k], (int) map[1], (int) map[2], (int) map[3], decisionFile));
        }
        if (shape == Shape.SEGMENTS) {
            files.put(HEAD, assembler.segment(exits));
        } else {
            files.put(CASCADE, assembler.cascade());
        }
        Onnx.ModelProto whole = assembler.backbone();
        files.put(BACKBONE, whole);

        double backboneDifference = checkBackbone(whole, probe, probabilities);
        worst.put("whole backbone from pixels", backboneDifference);
        float[][] expectedScores = DecisionCheck.expectedScores(c.decisionRule(), c.thresholds().rule(),
                branchProbabilities, probe.count(), classes);
        if (c.derived()) {
            DecisionCheck.checkScores(assembler, c.decisionRule(), c.thresholds(), branchProbabilities,
                    expectedScores, probe.count(), classes, worst);
        }
        int agrees = checkDecisions(shape, files, assembler, probe, branchProbabilities, probabilities, c,
                expectedScores);

        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, model) -> bytes.put(name, model.toByteArray()));
        Map<String, String> checksums = new LinkedHashMap<>();
        bytes.forEach((name, content) -> checksums.put(name, sha256(content)));
        JsonNode thresholdsJson;
        try {
            thresholdsJson = JsonDocuments.newMapper().readTree(c.thresholds().toJson());
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read the thresholds' own JSON", e);
        }
        OnnxManifest manifest = new OnnxManifest(shape.label(), c.classNames(), probe.channels(), probe.height(),
                probe.width(), c.stats(), c.pooling(), exitList, shape == Shape.SEGMENTS ? HEAD : null,
                shape == Shape.SINGLE ? CASCADE : null, BACKBONE, c.fullMacs(), thresholdsJson, assembler.opset(),
                c.provenance(), c.source(), new OnnxManifest.Check(probe.count(), TOLERANCE, worst, agrees,
                OnnxRuntimeSessions.environment().getVersion()), checksums, c.derived()
                ? DecisionRuleJson.toJson(c.decisionRule()) : null);
        bytes.put(MANIFEST, JsonDocuments.toBytes(DOCUMENT_TYPE, manifest));
        writeFolder(folder, bytes);
        Map<String, Long> sizes = new LinkedHashMap<>();
        bytes.forEach((name, content) -> sizes.put(name, (long) content.length));
        return new Result(folder, manifest, sizes, (System.nanoTime() - started) / 1e9);
    }

    /** Runs the whole backbone from pixels and compares with the engine's probabilities. */
    private static double checkBackbone(Onnx.ModelProto whole, Probe probe, float[] probabilities) {
        try (OrtSession session = OrtCalls.open(whole, 1, "the whole backbone")) {
            float[] actual = OrtCalls.runSingle(session, probe.pixels(), probe.shape()).values();
            double difference = relativeDifference(actual, probabilities);
            if (!(difference <= TOLERANCE)) {
                throw new OnnxExportException("the whole backbone from pixels (normalisation included) differs from "
                        + "the engine by " + difference + " (relative, allowed " + TOLERANCE + "); the "
                        + "normalisation is the suspect, since every segment matched");
            }
            return difference;
        } catch (OrtException e) {
            throw new OnnxExportException("the whole backbone: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the cascade (one-file: each image alone; segments: the first segment and exit, chained) and compares each
     * image's exit and class with the exit test on the engine's outputs.
     *
     * @return how many images agree (all, or the export has failed)
     */
    private static int checkDecisions(Shape shape, Map<String, Onnx.ModelProto> files, CascadeOnnxAssembler assembler,
                                      Probe probe, List<float[]> branchProbabilities, float[] head, Common c,
                                      float[][] expectedScores) {
        int exits = branchProbabilities.size();
        int classes = c.classNames().size();
        int agrees = 0;
        if (shape == Shape.SINGLE) {
            try (OrtSession session = OrtCalls.open(files.get(CASCADE), 1, "the one-file cascade")) {
                int size = probe.channels() * probe.height() * probe.width();
                for (int i = 0; i < probe.count(); i++) {
                    float[] pixels = java.util.Arrays.copyOfRange(probe.pixels(), i * size, (i + 1) * size);
                    Map<String, OrtCalls.Output> out = OrtCalls.run(session, pixels, new long[] {1, probe.channels(),
                            probe.height(), probe.width()}, Set.of(CascadeOnnxAssembler.CLASS,
                            CascadeOnnxAssembler.EXIT));
                    int exit = (int) out.get(CascadeOnnxAssembler.EXIT).values()[0];
                    int predicted = (int) out.get(CascadeOnnxAssembler.CLASS).values()[0];
                    agrees += agreement(i, exit, predicted, branchProbabilities, head, c.thresholds(), exits,
                            classes, probe, expectedScores);
                }
            } catch (OrtException e) {
                throw new OnnxExportException("the one-file cascade: " + e.getMessage(), e);
            }
        } else {
            List<float[]> written = new ArrayList<>();
            float[] current = probe.pixels();
            long[] shapeNow = probe.shape();
            float[] writtenHead = null;
            try {
                for (int k = 0; k <= exits; k++) {
                    try (OrtSession segment = OrtCalls.open(assembler.segment(k), 1, "segment " + (k + 1))) {
                        OrtCalls.Output out = OrtCalls.runSingle(segment, current, shapeNow);
                        current = out.values();
                        shapeNow = out.shape();
                    }
                    if (k == exits) {
                        writtenHead = current;
                    } else {
                        try (OrtSession exit = OrtCalls.open(assembler.branch(k), 1, "exit " + (k + 1))) {
                            written.add(OrtCalls.runSingle(exit, current, shapeNow).values());
                        }
                    }
                }
            } catch (OrtException e) {
                throw new OnnxExportException("the segments: " + e.getMessage(), e);
            }
            boolean[][] writtenFires = c.derived() ? DecisionCheck.firesOfDecisionModels(assembler, written,
                    probe.count(), classes) : null;
            for (int i = 0; i < probe.count(); i++) {
                int exit = exits;
                for (int k = 0; k < exits; k++) {
                    if (writtenFires != null ? writtenFires[k][i]
                            : ExitDecision.fires(c.thresholds(), k, written.get(k), i * classes, classes)) {
                        exit = k;
                        break;
                    }
                }
                float[] p = exit < exits ? written.get(exit) : writtenHead;
                agrees += agreement(i, exit, ExitDecision.argmax(p, i * classes, classes), branchProbabilities,
                        head, c.thresholds(), exits, classes, probe, expectedScores);
            }
        }
        return agrees;
    }

    private static int agreement(int i, int exit, int predicted, List<float[]> branchProbabilities, float[] head,
                                 Thresholds thresholds, int exits, int classes, Probe probe,
                                 float[][] expectedScores) {
        int expectedExit = exits;
        boolean borderline = false;
        for (int k = 0; k < exits; k++) {
            float[] p = branchProbabilities.get(k);
            int expectedClassHere = ExitDecision.argmax(p, i * classes, classes);
            double tau = thresholds.row(k)[expectedClassHere];
            float score = expectedScores[k][i];
            borderline |= !Double.isInfinite(tau) && Math.abs(score - tau) < DecisionCheck.BORDERLINE;
            if (thresholds.admits(k, expectedClassHere, score)) {
                expectedExit = k;
                break;
            }
        }
        float[] p = expectedExit < exits ? branchProbabilities.get(expectedExit) : head;
        int expectedClass = ExitDecision.argmax(p, i * classes, classes);
        if (expectedExit == exit && expectedClass == predicted) {
            return 1;
        }
        if (borderline) {
            return 0;
        }
        throw new OnnxExportException("the exported cascade sends check image " + probe.source(i) + " to exit "
                + exit + " with class " + predicted + ", the engine to exit " + expectedExit + " with class "
                + expectedClass);
    }

    /** Runs a DL4J segment and its ONNX translation side by side and names the first vertex that differs. */
    static String firstDifferingLayer(ComputationGraph segment, INDArray dlInput, Onnx.ModelProto model,
                                              Dl4jOnnxWriter.Written written, float[] input, long[] shape) {
        Map<String, INDArray> activations = segment.feedForward(dlInput, false);
        // At inference DL4J's activation layers work in place, so the activation recorded for a vertex that feeds
        // one is already activated; such vertices are left out (the activation layer after them is compared).
        Set<String> overwritten = new java.util.HashSet<>();
        segment.getConfiguration().getVertices().forEach((name, vertex) -> {
            if (vertex instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer) {
                overwritten.addAll(segment.getConfiguration().getVertexInputs().get(name));
            }
        });
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : written.vertexTensors().entrySet()) {
            if (activations.containsKey(e.getKey()) && !e.getValue().equals("segment_in")
                    && !overwritten.contains(e.getKey())) {
                names.add(e.getKey());
            }
        }
        Onnx.ModelProto exposed = OrtCalls.exposing(model, names.stream().map(written.vertexTensors()::get).toList());
        try (OrtSession session = OrtCalls.open(exposed, 1, "the segment with its layers exposed")) {
            Map<String, OrtCalls.Output> outputs = OrtCalls.run(session, input, shape,
                    Set.copyOf(names.stream().map(written.vertexTensors()::get).toList()));
            for (String vertex : names) {
                float[] expected = nchw(activations.get(vertex), written.types().get(vertex));
                double difference = relativeDifference(outputs.get(written.vertexTensors().get(vertex)).values(),
                        expected);
                if (!(difference <= TOLERANCE)) {
                    return "the first layer that differs is '" + vertex + "' (by " + difference + ")";
                }
            }
            return "no single layer differs beyond the tolerance (the differences add up)";
        } catch (OrtException | RuntimeException e) {
            return "the layer could not be located: " + e.getMessage();
        }
    }

    /** @return an activation's values in NCHW order (maps) or row-major (vectors) */
    static float[] nchw(INDArray activation, InputType type) {
        INDArray a = activation;
        if (type instanceof InputType.InputTypeConvolutional conv && conv.getFormat() == CNN2DFormat.NHWC) {
            a = a.permute(0, 3, 1, 2);
        }
        return a.dup('c').data().asFloat();
    }

    /** @return max |a − b| / max |b| (0 when both are all zero) */
    static double relativeDifference(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            return Double.POSITIVE_INFINITY;
        }
        double largest = 0;
        double difference = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            difference = Math.max(difference, Math.abs((double) actual[i] - expected[i]));
            if (Float.isNaN(actual[i]) != Float.isNaN(expected[i])) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return largest == 0 ? difference : difference / largest;
    }

    /** Appends a softmax to a model whose single output is logits [N, classes]. */
    private static Onnx.ModelProto withSoftmax(Onnx.ModelProto model) {
        Onnx.GraphProto graph = model.getGraph();
        String logits = graph.getOutput(0).getName();
        String probabilities = logits + "_softmax";
        Onnx.GraphProto.Builder g = graph.toBuilder();
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Softmax").setName(probabilities).addInput(logits)
                .addOutput(probabilities).addAttribute(OnnxGraphBuilder.integer("axis", 1)));
        g.setOutput(0, graph.getOutput(0).toBuilder().setName(probabilities));
        return model.toBuilder().setGraph(g).build();
    }

    /** Writes every file into a fresh sibling folder, then puts it in place of {@code folder}. */
    private static void writeFolder(Path folder, Map<String, byte[]> files) {
        try {
            Path absolute = folder.toAbsolutePath();
            Path parent = absolute.getParent();
            Files.createDirectories(parent);
            Path fresh = Files.createTempDirectory(parent, absolute.getFileName() + ".writing-");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(fresh.resolve(file.getKey()), file.getValue());
            }
            Path old = null;
            if (Files.exists(absolute)) {
                if (!Files.isDirectory(absolute)) {
                    throw new OnnxExportException(folder + " exists and is not a folder; an ONNX export is a folder");
                }
                old = Files.createTempDirectory(parent, absolute.getFileName() + ".old-");
                Files.delete(old);
                Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, absolute, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                try (Stream<Path> walk = Files.walk(old)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the ONNX export " + folder + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /**
     * The check images: pixels 0..255 and their normalised values, NCHW.
     *
     * @param sources per image, what to call it in a message
     */
    record Probe(float[] pixels, float[] normalised, int count, int channels, int height, int width,
                 List<String> sources) {

        static Probe of(ImageDataset images, ChannelStats stats, int channels, int height, int width) {
            if (images.size() == 0) {
                throw new IllegalArgumentException("no images to check the ONNX export on");
            }
            if (images.height() != height || images.width() != width) {
                throw new IllegalArgumentException("the check images are " + images.height() + "×" + images.width()
                        + ", the cascade takes " + height + "×" + width);
            }
            int count = Math.min(CHECK_IMAGES, images.size());
            int plane = height * width;
            float[] pixels = new float[count * channels * plane];
            float[] normalised = new float[pixels.length];
            byte[] image = new byte[images.imageBytes()];
            List<String> sources = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int row = (int) ((long) i * images.size() / count);
                sources.add(String.valueOf(images.source(row)));
                images.copyImage(row, image, 0);
                for (int ch = 0; ch < channels; ch++) {
                    int from = (images.channels() == 1 ? 0 : ch) * plane;
                    for (int p = 0; p < plane; p++) {
                        int value = image[from + p] & 0xFF;
                        int at = (i * channels + ch) * plane + p;
                        pixels[at] = value;
                        normalised[at] = stats.normalize(ch, value);
                    }
                }
            }
            return new Probe(pixels, normalised, count, channels, height, width, sources);
        }

        long[] shape() {
            return new long[] {count, channels, height, width};
        }

        /** @return the normalised images as [N, H, W, C] */
        float[] normalisedChannelsLast() {
            int plane = height * width;
            float[] out = new float[normalised.length];
            for (int i = 0; i < count; i++) {
                for (int ch = 0; ch < channels; ch++) {
                    for (int p = 0; p < plane; p++) {
                        out[(i * plane + p) * channels + ch] = normalised[(i * channels + ch) * plane + p];
                    }
                }
            }
            return out;
        }

        String source(int i) {
            return sources.get(i);
        }
    }
}
