package org.exitbench.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exitbench.cascade.Thresholds;
import org.exitbench.data.Dataset;
import org.exitbench.data.DatasetReaders;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.Split;
import org.exitbench.deploy.CascadeFile;
import org.exitbench.deploy.CascadeParts;
import org.exitbench.deploy.CascadeProvenance;
import org.exitbench.deploy.onnx.OnnxCascadeExport;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.ExitBranch;
import org.exitbench.model.ExitPoints;
import org.exitbench.model.MacTable;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.model.onnx.OnnxBackbone;
import org.exitbench.model.onnx.OnnxGraph;
import org.exitbench.train.BranchTrainingMode;

/**
 * Reads what an exported cascade needs from a run folder: the backbone the run used (checked by fingerprint), the
 * trained branches and thresholds of one training mode, the pooling and the run's provenance. This is the glue
 * between {@link ExperimentRun} and {@code deploy}, which knows nothing of runs.
 */
public final class CascadeExport {

    private CascadeExport() {
    }

    /**
     * The mode exported when none is named: boosted when the run has a cascade for it, else the first mode with one.
     *
     * @throws ExperimentException when no mode of the run trained a branch
     */
    public static BranchTrainingMode defaultMode(ExperimentRun run) {
        List<BranchTrainingMode> withCascade = new ArrayList<>();
        for (BranchTrainingMode mode : run.modes()) {
            if (run.mode(mode).map(ExperimentRun.ModeResult::hasCascade).orElse(false)) {
                withCascade.add(mode);
            }
        }
        if (withCascade.isEmpty()) {
            throw new ExperimentException("run " + run.id() + " has no cascade to export: every branch of every mode "
                    + "was skipped");
        }
        return withCascade.contains(BranchTrainingMode.BOOSTED) ? BranchTrainingMode.BOOSTED : withCascade.get(0);
    }

    /**
     * Gathers one mode's cascade from a run.
     *
     * @param backboneFile the backbone to export, or null for the file the run names in its configuration
     * @throws ExperimentException when the run has no cascade for the mode, the backbone file is missing, or it is
     *                             not the backbone the run used (another fingerprint)
     * @throws org.exitbench.store.StoreException when a file of the run or the backbone is unreadable
     */
    public static CascadeParts fromRun(ExperimentRun run, BranchTrainingMode mode, Path backboneFile) {
        ExperimentRun.ModeResult result = cascadeOf(run, mode);
        ExperimentConfig config = run.config();
        Path backbonePath = backboneFile != null ? backboneFile : ExperimentPipeline.backbonePath(config);
        if (!Files.isRegularFile(backbonePath)) {
            throw new ExperimentException("the backbone of run " + run.id() + ", " + backbonePath + ", does not exist; "
                    + "name it with --backbone <model.zip>");
        }
        if (ExperimentPipeline.isOnnx(backbonePath)) {
            // An imported backbone runs on ONNX Runtime only: its cascade leaves as ONNX (writeOnnx), never as a
            // DL4J zip.
            throw new ExperimentException("run " + run.id() + " used the imported ONNX backbone " + backbonePath
                    + "; export its cascade with --format onnx or onnx-single");
        }
        TrainedBackbone backbone = BackboneFile.load(backbonePath, false);
        RunMetrics.Provenance runProvenance = run.metrics().provenance();
        String fingerprint = backbone.fingerprint();
        requireSameBackbone(run, backbonePath, fingerprint, runProvenance);
        if (config.exitPoints() != null) {
            backbone = backbone.withExitPoints(new ExitPoints(config.exitPoints()));
        }
        List<String> vertices = result.cascadeBranches().stream().map(RunMetrics.BranchMetrics::vertex).toList();
        List<ExitBranch> branches = loadBranches(run, mode, vertices.size());
        CascadeProvenance provenance = new CascadeProvenance(run.id(), ExperimentConfig.modeName(mode),
                config.toJson(), config.dataset(), runProvenance.datasetFingerprint(), backbonePath.toString(),
                fingerprint, ExperimentPipeline.exitbenchVersion(), ExperimentPipeline.dl4jVersion(),
                System.getProperty("java.version"), Instant.now().toString());
        return new CascadeParts(backbone, vertices, branches, config.pooling(), result.thresholds(), provenance);
    }

    /**
     * Exports one mode's cascade of a run to a file, replacing it atomically.
     *
     * @param backboneFile the backbone to export, or null for the run's
     * @see #fromRun
     * @see CascadeFile#save
     */
    public static void write(ExperimentRun run, BranchTrainingMode mode, Path backboneFile, Path out) {
        CascadeFile.save(fromRun(run, mode, backboneFile), out);
    }

    /**
     * Exports one mode's cascade of a run deciding with a fitted decision rule and thresholds on its score (issue 20,
     * {@code exitbench exit-rules} saves them).
     *
     * @throws ExperimentException when the rule or thresholds do not fit the cascade, or as {@link #fromRun}
     */
    public static void write(ExperimentRun run, BranchTrainingMode mode, Path backboneFile,
                             org.exitbench.cascade.decision.DecisionFile decision, Path out) {
        CascadeFile.save(decided(run, fromRun(run, mode, backboneFile), decision), out);
    }

    private static CascadeParts decided(ExperimentRun run, CascadeParts parts,
                                        org.exitbench.cascade.decision.DecisionFile decision) {
        Thresholds own = parts.thresholds();
        Thresholds thresholds = decision.thresholds();
        if (thresholds.exitCount() != own.exitCount() || thresholds.classCount() != own.classCount()) {
            throw new ExperimentException("the decision's thresholds are " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes, the cascade of run " + run.id() + " has "
                    + own.exitCount() + " × " + own.classCount());
        }
        try {
            return new CascadeParts(parts.backbone(), parts.exitVertices(), parts.branches(), parts.pooling(),
                    thresholds, parts.provenance(), decision.rule());
        } catch (IllegalArgumentException e) {
            throw new ExperimentException("the decision does not fit the cascade of run " + run.id() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Exports one mode's cascade of a run as standard ONNX deciding with a fitted decision rule (issue 20): the rule
     * is written as ONNX operators into cascade.onnx's exits, or as one decision model per exit in the segments
     * shape, and checked against the workbench's rule on the run's test images.
     *
     * @throws ExperimentException when the rule or thresholds do not fit the cascade, or as {@link #fromRun}
     * @throws org.exitbench.deploy.onnx.OnnxExportException when a part cannot be written faithfully
     */
    public static OnnxCascadeExport.Result writeOnnxDecided(ExperimentRun run, BranchTrainingMode mode,
                                                            Path backboneFile,
                                                            org.exitbench.cascade.decision.DecisionFile decision,
                                                     OnnxCascadeExport.Shape shape, Path out) {
        Path backbonePath = backboneFile != null ? backboneFile : ExperimentPipeline.backbonePath(run.config());
        if (ExperimentPipeline.isOnnx(backbonePath) && Files.isRegularFile(backbonePath)) {
            return writeOnnxOfImported(run, mode, backbonePath, decision, shape, out);
        }
        return OnnxCascadeExport.export(decided(run, fromRun(run, mode, backboneFile), decision), checkImages(run),
                shape, out);
    }

    /**
     * Exports one mode's cascade of a run at other thresholds than CPM's (e.g. tuned by hand in the app), replacing
     * the file atomically.
     *
     * @param thresholds the thresholds to export, of the run's exits × classes
     * @throws ExperimentException when the thresholds do not fit the cascade, or as {@link #fromRun}
     * @see #write(ExperimentRun, BranchTrainingMode, Path, Path)
     */
    public static void write(ExperimentRun run, BranchTrainingMode mode, Path backboneFile, Thresholds thresholds,
            Path out) {
        CascadeParts parts = fromRun(run, mode, backboneFile);
        Thresholds own = parts.thresholds();
        if (thresholds.exitCount() != own.exitCount() || thresholds.classCount() != own.classCount()
                || thresholds.rule() != own.rule()) {
            throw new ExperimentException("the thresholds to export are " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes compared with " + thresholds.rule() + ", the cascade of run "
                    + run.id() + " has " + own.exitCount() + " × " + own.classCount() + " compared with "
                    + own.rule());
        }
        CascadeFile.save(parts.withThresholds(thresholds), out);
    }

    /**
     * Exports one mode's cascade of a run as standard ONNX into a folder (replaced as a whole), checked on the run's
     * own test images (its validation images when it has no test split).
     *
     * @param thresholds the thresholds to export, or null for CPM's
     * @throws ExperimentException when the run's dataset cannot be read for the check, or as {@link #fromRun}
     * @throws org.exitbench.deploy.onnx.OnnxExportException when a part cannot be written faithfully
     */
    public static OnnxCascadeExport.Result writeOnnx(ExperimentRun run, BranchTrainingMode mode, Path backboneFile,
                                                     Thresholds thresholds, OnnxCascadeExport.Shape shape, Path out) {
        Path backbonePath = backboneFile != null ? backboneFile : ExperimentPipeline.backbonePath(run.config());
        if (ExperimentPipeline.isOnnx(backbonePath) && Files.isRegularFile(backbonePath)) {
            return writeOnnxOfImported(run, mode, backbonePath, thresholds == null ? null
                    : new org.exitbench.cascade.decision.DecisionFile(CascadeParts.builtIn(thresholds), thresholds,
                    null), shape, out);
        }
        CascadeParts parts = fromRun(run, mode, backboneFile);
        if (thresholds != null) {
            requireFit(run, parts.thresholds(), thresholds);
            parts = parts.withThresholds(thresholds);
        }
        return OnnxCascadeExport.export(parts, checkImages(run), shape, out);
    }

    /**
     * The ONNX export of a run on an imported ONNX backbone: the model is cut into segments at the exits that
     * kept a branch (model.onnx.OnnxSegments), and the run's branches and thresholds are attached to them.
     */
    private static OnnxCascadeExport.Result writeOnnxOfImported(ExperimentRun run, BranchTrainingMode mode,
            Path backbonePath, org.exitbench.cascade.decision.DecisionFile decision, OnnxCascadeExport.Shape shape,
            Path out) {
        Thresholds thresholds = decision == null ? null : decision.thresholds();
        ExperimentRun.ModeResult result = cascadeOf(run, mode);
        OnnxBackbone backbone = OnnxBackbone.load(backbonePath);
        RunMetrics.Provenance runProvenance = run.metrics().provenance();
        requireSameBackbone(run, backbonePath, backbone.fingerprint(), runProvenance);
        List<String> vertices = result.cascadeBranches().stream().map(RunMetrics.BranchMetrics::vertex).toList();
        List<ExitBranch> branches = loadBranches(run, mode, vertices.size());
        OnnxBackbone cut = backbone.withExitPoints(new ExitPoints(vertices));
        MacTable macs = cut.macTable();
        long[] macsToExit = new long[vertices.size()];
        for (int exit = 0; exit < macsToExit.length; exit++) {
            macsToExit[exit] = macs.cumulativeMacs(exit);
        }
        OnnxGraph.Input input = cut.graph().input();
        OnnxCascadeExport.SegmentedBackbone segmented = new OnnxCascadeExport.SegmentedBackbone(
                cut.segments().segments(), vertices, cut.classNames(), cut.stats(), input.channels(), input.height(),
                input.width(), macsToExit, macs.total(), true, input.layout() == OnnxGraph.Layout.NHWC);
        Thresholds own = result.thresholds();
        if (thresholds != null && thresholds.rule() != org.exitbench.cascade.ExitRule.DERIVED) {
            requireFit(run, own, thresholds);
        } else if (thresholds != null && (thresholds.exitCount() != own.exitCount()
                || thresholds.classCount() != own.classCount())) {
            throw new ExperimentException("the decision's thresholds do not fit the cascade of run " + run.id());
        }
        ExperimentConfig config = run.config();
        CascadeProvenance provenance = new CascadeProvenance(run.id(), ExperimentConfig.modeName(mode),
                config.toJson(), config.dataset(), runProvenance.datasetFingerprint(), backbonePath.toString(),
                backbone.fingerprint(), ExperimentPipeline.exitbenchVersion(), ExperimentPipeline.dl4jVersion(),
                System.getProperty("java.version"), Instant.now().toString());
        try {
            return OnnxCascadeExport.export(segmented, branches, config.pooling(), thresholds != null ? thresholds
                    : own, decision != null ? decision.rule() : CascadeParts.builtIn(own), provenance,
                    checkImages(run), shape, out);
        } catch (IllegalArgumentException e) {
            throw new ExperimentException("the decision does not fit the cascade of run " + run.id() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void requireFit(ExperimentRun run, Thresholds own, Thresholds thresholds) {
        if (thresholds.exitCount() != own.exitCount() || thresholds.classCount() != own.classCount()
                || thresholds.rule() != own.rule()) {
            throw new ExperimentException("the thresholds to export do not fit the cascade of run " + run.id());
        }
    }

    /** The run's own test images (its validation images when it has no test split), for the export's check. */
    private static ImageDataset checkImages(ExperimentRun run) {
        Path dataset = Path.of(run.config().dataset());
        ImageDataset images;
        try {
            Dataset read = DatasetReaders.read(dataset);
            images = read.split(Split.TEST).size() > 0 ? read.split(Split.TEST) : read.split(Split.VALID);
        } catch (RuntimeException e) {
            throw new ExperimentException("the ONNX export is checked on the run's images, but its dataset "
                    + dataset + " cannot be read: " + e.getMessage());
        }
        return images;
    }

    private static List<ExitBranch> loadBranches(ExperimentRun run, BranchTrainingMode mode, int count) {
        List<ExitBranch> branches = new ArrayList<>();
        for (int position = 0; position < count; position++) {
            branches.add(run.loadBranch(mode, position));
        }
        return branches;
    }

    private static ExperimentRun.ModeResult cascadeOf(ExperimentRun run, BranchTrainingMode mode) {
        ExperimentRun.ModeResult result = run.mode(mode).orElseThrow(() -> new ExperimentException("run " + run.id()
                + " did not train the mode " + ExperimentConfig.modeName(mode) + "; it trained "
                + run.modes().stream().map(ExperimentConfig::modeName).toList()));
        if (!result.hasCascade()) {
            throw new ExperimentException("run " + run.id() + " has no cascade for the mode "
                    + ExperimentConfig.modeName(mode) + ": all its branches were skipped");
        }
        return result;
    }

    private static void requireSameBackbone(ExperimentRun run, Path backbonePath, String fingerprint,
            RunMetrics.Provenance runProvenance) {
        if (!fingerprint.equals(runProvenance.backboneFingerprint())) {
            throw new ExperimentException("the backbone " + backbonePath + " is not the one run " + run.id()
                    + " used (fingerprint " + fingerprint.substring(0, 12) + ", the run's "
                    + shortHash(runProvenance.backboneFingerprint()) + ")");
        }
    }

    private static String shortHash(String hash) {
        return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length()));
    }
}
