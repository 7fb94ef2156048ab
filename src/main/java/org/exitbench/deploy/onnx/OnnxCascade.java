package org.exitbench.deploy.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.DecisionRuleJson;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.cascade.decision.LearnedHeadRule;
import org.exitbench.deploy.CascadeParts;
import org.exitbench.model.onnx.OnnxModelFile;
import org.exitbench.store.BoundedRead;
import org.exitbench.store.JsonDocuments;

/**
 * An ONNX export read back from its folder ({@link #load}): the manifest, the thresholds and the bytes of every
 * model, each checked against its SHA-256 in the manifest. Immutable; {@link OnnxEarlyExitPredictor}s made from it
 * open their own ONNX Runtime sessions.
 */
public final class OnnxCascade {

    private final Path folder;
    private final OnnxManifest manifest;
    private final Thresholds thresholds;
    private final Map<String, byte[]> models;

    private final ExitDecisionRule decisionRule;

    private OnnxCascade(Path folder, OnnxManifest manifest, Thresholds thresholds, Map<String, byte[]> models,
                        ExitDecisionRule decisionRule) {
        this.decisionRule = decisionRule;
        this.folder = folder;
        this.manifest = manifest;
        this.thresholds = thresholds;
        this.models = Map.copyOf(models);
    }

    /** @return whether {@code path} is a folder holding an ONNX export's manifest */
    public static boolean isExport(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(OnnxCascadeExport.MANIFEST));
    }

    /**
     * Reads an export.
     *
     * @throws OnnxExportException naming the folder and the problem: missing, no manifest, a missing or modified
     *                             model file, invalid thresholds
     * @throws org.exitbench.store.StoreException when the manifest is of an unsupported version or invalid
     */
    public static OnnxCascade load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new OnnxExportException(folder + " is not a folder; an ONNX export is the folder 'exitbench "
                    + "export --format onnx' wrote");
        }
        Path manifestFile = folder.resolve(OnnxCascadeExport.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new OnnxExportException(folder + " holds no " + OnnxCascadeExport.MANIFEST + "; it is not an ONNX "
                    + "export of Exitbench");
        }
        OnnxManifest manifest = JsonDocuments.read(manifestFile, OnnxCascadeExport.DOCUMENT_TYPE, OnnxManifest.class);
        if (manifest.exits() == null || manifest.exits().isEmpty() || manifest.classNames() == null
                || manifest.backbone() == null || manifest.checksums() == null
                || (OnnxManifest.SINGLE.equals(manifest.shape()) ? manifest.cascade() == null
                : manifest.headSegment() == null)) {
            throw new OnnxExportException(manifestFile + " is incomplete: exits, class names, the models and their "
                    + "checksums are required");
        }
        Map<String, byte[]> models = new LinkedHashMap<>();
        for (Map.Entry<String, String> listed : manifest.checksums().entrySet()) {
            String name = listed.getKey();
            if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                throw new OnnxExportException(manifestFile + " lists '" + name + "', which is not a file name of the "
                        + "export folder");
            }
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new OnnxExportException(folder + " is incomplete: " + listed.getKey() + " is missing");
            }
            byte[] bytes;
            try {
                // Bounded like an imported model: a listed file must not decide how much memory is used.
                try (InputStream in = Files.newInputStream(file)) {
                    bytes = BoundedRead.readAll(in, OnnxModelFile.MAX_BYTES, file, null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
            }
            if (!OnnxCascadeExport.sha256(bytes).equals(listed.getValue())) {
                throw new OnnxExportException(file + " was modified or is corrupt: it does not match its SHA-256 in "
                        + OnnxCascadeExport.MANIFEST);
            }
            models.put(listed.getKey(), bytes);
        }
        Thresholds thresholds;
        try {
            thresholds = Thresholds.fromJson(manifest.thresholds() == null ? "" : manifest.thresholds().toString(),
                    manifestFile + " thresholds");
        } catch (IllegalArgumentException e) {
            throw new OnnxExportException(manifestFile + " has invalid thresholds: " + e.getMessage(), e);
        }
        if (thresholds.exitCount() != manifest.exits().size()
                || thresholds.classCount() != manifest.classNames().size()) {
            throw new OnnxExportException(manifestFile + " has thresholds for " + thresholds.exitCount() + " exits × "
                    + thresholds.classCount() + " classes but describes " + manifest.exits().size() + " exits and "
                    + manifest.classNames().size() + " classes");
        }
        return new OnnxCascade(folder, manifest, thresholds, models, decisionRule(manifestFile, manifest, thresholds));
    }

    /**
     * The rule the thresholds compare: max-softmax or entropy, or the derived rule the manifest carries (issue 20),
     * whose decision models the segments shape must list for every exit.
     */
    private static ExitDecisionRule decisionRule(Path manifestFile, OnnxManifest manifest, Thresholds thresholds) {
        // Written as JSON null for max-softmax and entropy (and absent from manifests written before rules).
        boolean hasRule = manifest.decisionRule() != null && !manifest.decisionRule().isNull();
        if (thresholds.rule() != ExitRule.DERIVED) {
            if (hasRule) {
                throw new OnnxExportException(manifestFile + " has a decisionRule, but thresholds that compare "
                        + thresholds.rule() + "; a decision rule goes with thresholds on its derived score");
            }
            return CascadeParts.builtIn(thresholds);
        }
        if (!hasRule) {
            throw new OnnxExportException(manifestFile + " has thresholds on a derived decision score, but names no "
                    + "decision rule to compute it (field decisionRule)");
        }
        ExitDecisionRule rule;
        try {
            rule = DecisionRuleJson.fromJson(manifest.decisionRule(), "decisionRule");
        } catch (IllegalArgumentException e) {
            throw new OnnxExportException(manifestFile + " has an invalid " + e.getMessage(), e);
        }
        if (rule.slot() != ExitRule.DERIVED || (rule.exitCount() != 0 && rule.exitCount() != manifest.exits().size())
                || (rule instanceof LearnedHeadRule heads && heads.classes() != manifest.classNames().size())) {
            throw new OnnxExportException(manifestFile + " has a decisionRule (" + rule.id() + ") that does not fit "
                    + "its " + manifest.exits().size() + " exits and " + manifest.classNames().size() + " classes");
        }
        if (!OnnxManifest.SINGLE.equals(manifest.shape())) {
            for (int k = 0; k < manifest.exits().size(); k++) {
                String file = manifest.exits().get(k).decision();
                if (file == null || !manifest.checksums().containsKey(file)) {
                    throw new OnnxExportException(manifestFile + ": exit " + (k + 1) + " (exits[" + k + "].decision) "
                            + "names no decision model listed in the checksums, which a derived rule needs");
                }
            }
        }
        return rule;
    }

    /** @return the folder */
    public Path folder() {
        return folder;
    }

    public OnnxManifest manifest() {
        return manifest;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /** @return whether this is the one-file shape (cascade.onnx, batch 1) */
    public boolean single() {
        return OnnxManifest.SINGLE.equals(manifest.shape());
    }

    /** @return K, the number of early exits */
    public int exitCount() {
        return manifest.exits().size();
    }

    public List<String> classNames() {
        return manifest.classNames();
    }

    /** @return the cascade's costs, a learned decision head's MACs counted with its exit's branch */
    public CostModel costModel() {
        return decisionRule.withCost(manifest.costModel());
    }

    /** @return the rule whose score the thresholds compare (max-softmax, entropy or a derived rule) */
    public ExitDecisionRule decisionRule() {
        return decisionRule;
    }

    /** @return a model file's bytes (checked) */
    byte[] model(String name) {
        byte[] bytes = models.get(name);
        if (bytes == null) {
            throw new OnnxExportException(folder + ": the manifest names no model " + name);
        }
        return bytes;
    }

    /** @return the sizes of the files in the folder that the manifest lists, in bytes */
    public Map<String, Long> sizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        models.forEach((name, bytes) -> sizes.put(name, (long) bytes.length));
        return sizes;
    }
}
