package org.exitbench.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitbench.experiment.ConfigJson;
import org.exitbench.experiment.ExperimentConfig;

/**
 * One configuration of a sweep's grid.
 *
 * @param index  its position in the grid, 0-based, first axis slowest
 * @param id     its name in reports: "c01" … "c64" (as many digits as the grid needs)
 * @param labels per axis name, the label of this configuration's value, in axis order
 * @param config the experiment configuration (every mode of the sweep; the seed is set per trial)
 * @param key    a digest of everything that decides its results (the configuration without dataset, backbone and
 *               seed, and the CPM margins its curves are measured at): results are stored under it, so a sweep
 *               that is resumed, or whose definition changed, reuses exactly the results that still apply
 * @param exitRule the exit decision rule its cascades are calibrated and evaluated with (issue 20), e.g.
 *                 {@code temperature+agreement}; null for max-softmax, as every sweep before rules were pluggable
 */
public record SweepConfiguration(int index, String id, Map<String, String> labels, ExperimentConfig config,
                                 String key, String exitRule) {

    public SweepConfiguration {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** @return the id of configuration {@code index} of {@code total}: "c" and the 1-based number, zero-padded */
    static String id(int index, int total) {
        int digits = Math.max(2, String.valueOf(total).length());
        return String.format(Locale.ROOT, "c%0" + digits + "d", index + 1);
    }

    /**
     * @param exitRule the exit decision rule, or null; max-softmax gives the key it had before rules were pluggable,
     *                 so results stored then are reused
     * @return the digest under which the results of {@code config} measured at {@code margins} with the rule are
     *         stored
     */
    static String key(ExperimentConfig config, List<Double> margins, String exitRule) {
        return exitRule == null || exitRule.equals("max-softmax") ? key(config, margins)
                : digest(identity(config, margins) + "exitRule=" + exitRule);
    }

    /** @return the digest under which the results of {@code config} measured at {@code margins} are stored */
    static String key(ExperimentConfig config, List<Double> margins) {
        return digest(identity(config, margins));
    }

    private static String identity(ExperimentConfig config, List<Double> margins) {
        // Written with the header of configuration version 1 whatever the current version, so results stored before
        // a version change keep their keys (the fields, every one written, decide the results; the header does not).
        String identity = ConfigJson.toJson(config.withDataset("-").withBackbone(null).withSeed(0),
                ExperimentConfig.FORMAT, ExperimentConfig.FORMAT_VERSION_1, "configuration").replace("\r\n", "\n")
                + "margins=" + margins;
        return identity;
    }

    private static String digest(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** @return "exits = stage1+stage2, filters = 16, …" */
    public String describe() {
        StringBuilder text = new StringBuilder();
        labels.forEach((axis, label) -> text.append(text.length() == 0 ? "" : ", ").append(axis).append(" = ")
                .append(label));
        return text.toString();
    }
}
