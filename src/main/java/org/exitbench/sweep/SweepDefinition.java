package org.exitbench.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.experiment.ConfigException;
import org.exitbench.experiment.ConfigJson;
import org.exitbench.experiment.ExitRuleStudy;
import org.exitbench.experiment.ExperimentConfig;
import org.exitbench.store.InputLimits;
import org.exitbench.train.BranchTrainingMode;

/**
 * A sweep: a grid of experiment configurations, each trained in several modes over several seeds, and how the
 * modes are compared. Stored as JSON (the same dialect as {@link ExperimentConfig}: enum values in kebab case,
 * unknown fields refused); a file may give any subset of the fields, the rest keep the {@link #defaults()}.
 *
 * <p>The configurations are every combination of one value per axis, the first axis varying slowest. Each is
 * {@code base} with the axes' overlays applied in axis order (a later axis wins where two set the same field),
 * and the dataset and backbone of the run. An axis either sets one {@code field} (a dotted path into the
 * configuration, e.g. {@code "branch.filters"}) to each of its {@code values}, or lists {@code variants}, each a
 * label and a partial configuration ({@code set}), for knobs that only make sense together.
 *
 * <p>The default is our reconstruction of the paper's unstated 64-configuration grid (PAPER §2.8): 4 exit sets ×
 * 4 branch widths × 4 training recipes, boosted against non-boosted, 3 seeds (CalexNet's n = 3).
 *
 * <p>Built in beside it, {@value #FAIR} (format version 2) is the fair test of issue 17: three exits, a calibration
 * split, an equal update budget per branch, and a grid of branch capacity × margin form × training margin, boosted,
 * soft and non-boosted, 3 seeds. Its {@code marginAxis} names the axis of training margins, so reports compare the
 * modes at the margin each cascade was trained for (protocol a) and along curves built from those retrained points
 * (protocol b). Version 1 documents are still read, over the version-1 defaults they were written for.
 *
 * @param name        a short name for reports
 * @param description what the sweep asks, for reports
 * @param base        a partial experiment configuration every configuration starts from
 * @param axes        the grid
 * @param modes       the training modes each configuration is trained in (at least two)
 * @param baseline    the mode every other mode is compared with (non-boosted by default)
 * @param seeds       the seeds each configuration is trained with
 * @param margins     the CPM margins each trained cascade is re-calibrated at, ascending: its accuracy-vs-compute
 *                    curve
 * @param budgets     accuracy losses (points, against the backbone) at which the modes' compute reductions are
 *                    compared
 * @param tolerance   differences this small count as ties
 * @param marginAxis  the name of the axis whose levels are training margins (the configurations that differ only
 *                    there form one curve of retrained points), or null when there is none (version 1)
 */
public record SweepDefinition(String name, String description, ObjectNode base, List<Axis> axes,
                              List<BranchTrainingMode> modes, BranchTrainingMode baseline, List<Long> seeds,
                              List<Double> margins, List<Double> budgets, Tolerance tolerance, String marginAxis) {

    /** The value of the {@code format} field. */
    public static final String FORMAT = "exitbench.sweep-definition";
    /** The version of this document. */
    public static final int FORMAT_VERSION = 2;
    /** The first version, still read. */
    public static final int FIRST_VERSION = 1;

    /**
     * The pseudo-field of an axis choosing the exit decision rule (issue 20) rather than a configuration field: its
     * values are rule names ({@code max-softmax}, {@code temperature+agreement}, …, see
     * {@link ExitRuleStudy.RuleChoice#parse}). A definition's top-level {@code "exitRules": [...]} list is read as
     * such an axis, named {@value #EXIT_RULE_AXIS}. A definition without one decides with max-softmax, as every
     * sweep did before rules were pluggable, under the same result keys.
     */
    public static final String EXIT_RULE_FIELD = "exitRule";
    /** The name of the axis a top-level {@code exitRules} list becomes. */
    public static final String EXIT_RULE_AXIS = "exitRule";

    /** The name of the built-in fair test of issue 17. */
    public static final String FAIR = "fair-v2";

    private static final String DEFAULT_RESOURCE = "default-sweep.json";
    private static final String FAIR_RESOURCE = FAIR + ".json";
    private static final String V1_RESOURCE = "default-sweep-v1.json";

    /**
     * One dimension of the grid: either {@code field} with {@code values}, or {@code variants}.
     *
     * @param name     the axis's name in reports and CSV columns
     * @param field    the dotted path of the configuration field the values set, or null
     * @param values   the values of {@code field}, as JSON, or null
     * @param variants labelled partial configurations, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Axis(String name, String field, List<JsonNode> values, List<Variant> variants) {

        /** @return the axis's values as labelled overlays, in order */
        public List<Variant> levels() {
            if (variants != null) {
                return variants;
            }
            List<Variant> levels = new ArrayList<>();
            for (JsonNode value : values) {
                levels.add(new Variant(label(value), overlay(field, value)));
            }
            return levels;
        }

        private static String label(JsonNode value) {
            if (value.isArray()) {
                List<String> parts = new ArrayList<>();
                value.forEach(v -> parts.add(v.asText()));
                return String.join("+", parts);
            }
            return value.isValueNode() ? value.asText() : value.toString();
        }

        private static ObjectNode overlay(String field, JsonNode value) {
            ObjectNode root = ConfigJson.mapper().createObjectNode();
            ObjectNode node = root;
            String[] path = field.split("\\.");
            for (int i = 0; i < path.length - 1; i++) {
                node = node.putObject(path[i]);
            }
            node.set(path[path.length - 1], value);
            return root;
        }
    }

    /**
     * One value of an axis.
     *
     * @param label what reports call it
     * @param set   the partial configuration it applies
     */
    public record Variant(String label, ObjectNode set) {
    }

    /**
     * How large a paired difference must be to count as a win or a loss rather than a tie.
     *
     * @param reductionPoints for compute reductions, in percentage points
     * @param accuracyPoints  for accuracies, in percentage points
     */
    public record Tolerance(double reductionPoints, double accuracyPoints) {
    }

    /** @return the default 64-configuration sweep (our reconstruction of the paper's grid) */
    public static SweepDefinition defaults() {
        return fromJson(defaultJson(), DEFAULT_RESOURCE);
    }

    /** @return the default definition as JSON, as shipped */
    public static String defaultJson() {
        return resource(DEFAULT_RESOURCE);
    }

    /**
     * @return the built-in definition called {@code name}, if there is one ({@value #FAIR})
     */
    public static Optional<SweepDefinition> builtIn(String name) {
        return FAIR.equals(name) ? Optional.of(fromJson(resource(FAIR_RESOURCE), FAIR_RESOURCE))
                : Optional.empty();
    }

    /** @return the version-1 default ({@code bts-ee-64}, the grid of report v1), as JSON */
    public static String versionOneJson() {
        return resource(V1_RESOURCE);
    }

    private static String resource(String name) {
        try (InputStream in = SweepDefinition.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * Reads a definition file over the defaults and validates it, every configuration included.
     *
     * @throws ConfigException naming the file and every bad or unknown field
     */
    public static SweepDefinition read(Path file) {
        return fromJson(ConfigJson.readText(file), file.toString());
    }

    /**
     * Parses a definition over the defaults and validates it, every configuration included.
     *
     * @param source what to call the document in messages, or null
     * @throws ConfigException naming every bad or unknown field
     */
    public static SweepDefinition fromJson(String json, String source) {
        ObjectMapper mapper = ConfigJson.mapper();
        SweepDefinition definition;
        try {
            JsonNode given = mapper.readTree(json);
            if (!(given instanceof ObjectNode object)) {
                throw new ConfigException(source, List.of("(document): expected a JSON object"));
            }
            int version = checkHeader(object, source);
            ObjectNode merged;
            if (DEFAULT_RESOURCE.equals(source) || V1_RESOURCE.equals(source) || FAIR_RESOURCE.equals(source)) {
                merged = object;
            } else {
                // A version-1 document left out fields that then meant the version-1 defaults.
                String defaults = version == FIRST_VERSION ? V1_RESOURCE : DEFAULT_RESOURCE;
                merged = (ObjectNode) mapper.readTree(resource(defaults));
                checkHeader(merged, defaults);
                ConfigJson.overlay(merged, object);
            }
            exitRulesAsAxis(merged, source);
            if (version == FIRST_VERSION && merged.has("marginAxis")) {
                throw new ConfigException(source, List.of("marginAxis: is a version-2 field; set \"formatVersion\": "
                        + FORMAT_VERSION));
            }
            definition = mapper.treeToValue(merged, SweepDefinition.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of(ConfigJson.describe(e)));
        }
        definition.validate(source);
        return definition;
    }

    /** Turns a top-level {@code exitRules} list into an axis on {@value #EXIT_RULE_FIELD}, appended to the axes. */
    private static void exitRulesAsAxis(ObjectNode merged, String source) {
        JsonNode rules = merged.remove("exitRules");
        if (rules == null || rules.isNull()) {
            return;
        }
        if (!rules.isArray() || rules.isEmpty()) {
            throw new ConfigException(source, List.of("exitRules: must list at least one decision rule, e.g. "
                    + "[\"max-softmax\", \"temperature+agreement\"]"));
        }
        JsonNode axes = merged.get("axes");
        if (axes == null || !axes.isArray()) {
            axes = merged.putArray("axes");
        }
        for (JsonNode axis : axes) {
            if (EXIT_RULE_FIELD.equals(axis.path("field").asText(null))
                    || EXIT_RULE_AXIS.equals(axis.path("name").asText(null))) {
                throw new ConfigException(source, List.of("exitRules: the axes already choose the exit rule (axis \""
                        + axis.path("name").asText() + "\"); give the rules in one place"));
            }
        }
        ObjectNode axis = ((com.fasterxml.jackson.databind.node.ArrayNode) axes).addObject();
        axis.put("name", EXIT_RULE_AXIS);
        axis.put("field", EXIT_RULE_FIELD);
        axis.set("values", rules);
    }

    /** Checks and removes the header; returns the version (the current one when the document gives none). */
    private static int checkHeader(ObjectNode object, String source) {
        JsonNode version = object.get("formatVersion");
        int read = version != null && version.isInt() && version.intValue() == FIRST_VERSION ? FIRST_VERSION
                : FORMAT_VERSION;
        ConfigJson.checkHeader(object, FORMAT, read, source);
        return read;
    }

    /** @return the definition as JSON with its format header, every field written */
    public String toJson() {
        return ConfigJson.toJson(this, FORMAT, FORMAT_VERSION, "sweep definition");
    }

    /** @return a copy with other seeds */
    public SweepDefinition withSeeds(List<Long> value) {
        SweepDefinition copy = new SweepDefinition(name, description, base, axes, modes, baseline, value, margins,
                budgets, tolerance, marginAxis);
        copy.validate(null);
        return copy;
    }

    /**
     * @return a copy trained in other modes (the baseline stays)
     * @throws ConfigException when fewer than two modes are given or the baseline is not among them
     */
    public SweepDefinition withModes(List<BranchTrainingMode> value) {
        SweepDefinition copy = new SweepDefinition(name, description, base, axes, value, baseline, seeds, margins,
                budgets, tolerance, marginAxis);
        copy.validate(null);
        return copy;
    }

    /** @return seeds 1 to {@code count} */
    public static List<Long> firstSeeds(int count) {
        return LongStream.rangeClosed(1, count).boxed().toList();
    }

    /** @return the modes compared with the baseline, in the definition's order */
    public List<BranchTrainingMode> comparedModes() {
        return modes.stream().filter(m -> m != baseline).toList();
    }

    /**
     * Every configuration of the grid, first axis slowest, each with the given dataset and backbone.
     *
     * @param dataset  the dataset folder every configuration reads
     * @param backbone the backbone file, or null for the one next to the dataset
     * @throws ConfigException naming the configuration and its bad fields when a combination is invalid
     */
    public List<SweepConfiguration> configurations(String dataset, String backbone) {
        List<String> problems = new ArrayList<>();
        List<SweepConfiguration> configurations = expand(dataset, backbone, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(null, problems);
        }
        return configurations;
    }

    /**
     * Expands the grid. A problem shared by many configurations is listed once, with the first of them and how
     * many others have it.
     */
    private List<SweepConfiguration> expand(String dataset, String backbone, List<String> problems) {
        List<List<Variant>> levels = axes.stream().map(Axis::levels).toList();
        int total = 1;
        for (List<Variant> level : levels) {
            total *= level.size();
        }
        List<SweepConfiguration> configurations = new ArrayList<>(total);
        Map<String, String> firstWith = new LinkedHashMap<>();
        Map<String, Integer> othersWith = new LinkedHashMap<>();
        int[] position = new int[levels.size()];
        for (int index = 0; index < total; index++) {
            ObjectNode merged = base.deepCopy();
            Map<String, String> labels = new LinkedHashMap<>();
            String exitRule = null;
            for (int a = 0; a < levels.size(); a++) {
                Variant v = levels.get(a).get(position[a]);
                if (EXIT_RULE_FIELD.equals(axes.get(a).field())) {
                    exitRule = ExitRuleStudy.RuleChoice.parse(v.label()).label();
                } else {
                    ConfigJson.overlay(merged, v.set().deepCopy());
                }
                labels.put(axes.get(a).name(), v.label());
            }
            String id = SweepConfiguration.id(index, total);
            // Read over version 1 of the configuration's defaults, as every sweep definition so far was written: a
            // stored sweep's configurations, and the keys its results are stored under, do not move with the defaults
            // (version 2 divides the validation split and equalises updates; fair-v2 sets both explicitly).
            merged.put("formatVersion", ExperimentConfig.FORMAT_VERSION_1);
            try {
                ExperimentConfig config = ExperimentConfig.fromJson(merged.toString(), null)
                        .withDataset(dataset).withBackbone(backbone).withModes(modes);
                configurations.add(new SweepConfiguration(index, id, labels, config,
                        SweepConfiguration.key(config, margins, exitRule), exitRule));
            } catch (ConfigException e) {
                String where = "configuration " + id + " (" + labels.entrySet().stream()
                        .map(l -> l.getKey() + " = " + l.getValue()).collect(Collectors.joining(", ")) + ")";
                for (String problem : e.problems()) {
                    if (firstWith.putIfAbsent(problem, where) != null) {
                        othersWith.merge(problem, 1, Integer::sum);
                    }
                }
            }
            for (int a = levels.size() - 1; a >= 0; a--) {
                if (++position[a] < levels.get(a).size()) {
                    break;
                }
                position[a] = 0;
            }
        }
        firstWith.forEach((problem, where) -> {
            int others = othersWith.getOrDefault(problem, 0);
            problems.add(where + (others == 0 ? "" : " and " + others + " more") + ": " + problem);
        });
        return configurations;
    }

    /** @return the number of configurations: the product of the axes' sizes */
    public int configurationCount() {
        int total = 1;
        for (Axis axis : axes) {
            total *= axis.levels().size();
        }
        return total;
    }

    /** @throws ConfigException naming every field whose value is out of range, and every invalid combination */
    public void validate() {
        validate(null);
    }

    private void validate(String source) {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("name: is missing");
        }
        if (base == null) {
            problems.add("base: must be an object (a partial experiment configuration), was null");
        } else {
            try {
                ExperimentConfig.bind(base.toString(), null);
            } catch (ConfigException e) {
                e.problems().forEach(p -> problems.add("base." + p));
            }
        }
        validateAxes(problems);
        if (marginAxis != null && (axes == null || axes.stream().noneMatch(a -> a != null
                && marginAxis.equals(a.name())))) {
            problems.add("marginAxis: \"" + marginAxis + "\" names no axis");
        }
        validateModes(problems);
        if (seeds == null || seeds.isEmpty() || seeds.contains(null)) {
            problems.add("seeds: must list at least one seed");
        } else if (new HashSet<>(seeds).size() != seeds.size()) {
            problems.add("seeds: a seed is listed twice: " + seeds);
        }
        validateMargins(problems);
        if (budgets == null || budgets.isEmpty() || budgets.stream().anyMatch(b -> b == null || !(b > 0 && b <= 100))) {
            problems.add("budgets: must list accuracy losses in points, each more than 0 and at most 100, was "
                    + budgets);
        }
        if (tolerance == null || !(tolerance.reductionPoints() >= 0) || !(tolerance.accuracyPoints() >= 0)) {
            problems.add("tolerance: reductionPoints and accuracyPoints must be 0 or more, was " + tolerance);
        }
        if (problems.isEmpty()) {
            checkGridSize(problems);
        }
        if (problems.isEmpty()) {
            // Every combination, the axes' overlays together: a value may need another axis's (conv2d, grid 2).
            expand(ExperimentConfig.defaults().dataset(), null, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
    }

    /**
     * Counts the trials before anything is expanded: a few lines of JSON (8 axes of 10 values) describe 10⁸
     * configurations, which would take memory and time without end before a single one ran.
     */
    private void checkGridSize(List<String> problems) {
        long limit = InputLimits.current().maxSweepTrials();
        long configurations = 1;
        for (Axis axis : axes) {
            configurations = Math.min(Long.MAX_VALUE / 1024, configurations * Math.max(1, axis.levels().size()));
        }
        long trials = configurations * seeds.size();
        if (trials > limit) {
            problems.add("axes: the grid has " + configurations + " configurations × " + seeds.size() + " seeds = "
                    + trials + " trials, more than the " + limit + " a sweep may run (split the grid, or set "
                    + InputLimits.PROPERTY_PREFIX + "maxSweepTrials, e.g. EXITBENCH_JAVA_OPTS=-D"
                    + InputLimits.PROPERTY_PREFIX + "maxSweepTrials=" + trials + ")");
        }
    }

    private void validateAxes(List<String> problems) {
        if (axes == null) {
            problems.add("axes: must be a list (empty for a single configuration)");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int a = 0; a < axes.size(); a++) {
            Axis axis = axes.get(a);
            String where = "axes[" + a + "]";
            if (axis == null || axis.name() == null || axis.name().isBlank()) {
                problems.add(where + ".name: is missing");
                continue;
            }
            if (!names.add(axis.name())) {
                problems.add(where + ".name: \"" + axis.name() + "\" names two axes");
            }
            boolean byField = axis.field() != null || axis.values() != null;
            if (byField == (axis.variants() != null)) {
                problems.add(where + ": give either \"field\" and \"values\" or \"variants\"");
                continue;
            }
            if (byField) {
                validateFieldAxis(axis, where, problems);
            } else {
                validateVariants(axis, where, problems);
            }
        }
    }

    private void validateFieldAxis(Axis axis, String where, List<String> problems) {
        if (axis.field() == null || !axis.field().matches("[A-Za-z]+(\\.[A-Za-z]+)*")) {
            problems.add(where + ".field: must be a dotted path such as \"branch.filters\", was " + axis.field());
            return;
        }
        if (axis.values() == null || axis.values().isEmpty()) {
            problems.add(where + ".values: must list at least one value");
            return;
        }
        if (EXIT_RULE_FIELD.equals(axis.field())) {
            Set<String> rules = new HashSet<>();
            for (int i = 0; i < axis.values().size(); i++) {
                JsonNode value = axis.values().get(i);
                String at = (axis.name().equals(EXIT_RULE_AXIS) ? "exitRules" : where + ".values") + "[" + i + "]";
                try {
                    if (value == null || !value.isTextual()) {
                        throw new IllegalArgumentException("must be a rule name such as \"temperature\", was "
                                + value);
                    }
                    if (!rules.add(ExitRuleStudy.RuleChoice.parse(value.asText()).label())) {
                        problems.add(at + ": \"" + value.asText() + "\" is listed twice");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(at + ": " + e.getMessage());
                }
            }
            return;
        }
        checkLevels(axis, where, "values", problems);
    }

    private void validateVariants(Axis axis, String where, List<String> problems) {
        if (axis.variants().isEmpty()) {
            problems.add(where + ".variants: must list at least one variant");
            return;
        }
        for (int i = 0; i < axis.variants().size(); i++) {
            Variant v = axis.variants().get(i);
            if (v == null || v.label() == null || v.label().isBlank()) {
                problems.add(where + ".variants[" + i + "].label: is missing");
                return;
            }
            if (v.set() == null) {
                problems.add(where + ".variants[" + i + "].set: must be an object (a partial configuration)");
                return;
            }
        }
        checkLevels(axis, where, "variants", problems);
    }

    /**
     * Checks each value of an axis on the base alone for unknown fields, wrong types and enum names, so such an
     * error names the axis and the value. Ranges are checked per configuration, where the axes combine.
     */
    private void checkLevels(Axis axis, String where, String list, List<String> problems) {
        List<Variant> levels = axis.levels();
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < levels.size(); i++) {
            Variant v = levels.get(i);
            if (!labels.add(v.label())) {
                problems.add(where + "." + list + "[" + i + "]: \"" + v.label() + "\" appears twice in axis "
                        + axis.name());
            }
            if (base == null) {
                continue;
            }
            ObjectNode merged = base.deepCopy();
            ConfigJson.overlay(merged, v.set().deepCopy());
            try {
                ExperimentConfig.bind(merged.toString(), null);
            } catch (ConfigException e) {
                String value = where + "." + list + "[" + i + "] (" + v.label() + "): ";
                e.problems().forEach(p -> problems.add(value + p));
            }
        }
    }

    private void validateModes(List<String> problems) {
        if (modes == null || modes.size() < 2 || modes.contains(null)) {
            problems.add("modes: must list at least two of " + ConfigJson.names(BranchTrainingMode.class)
                    + " to compare, was " + modes);
        } else if (new HashSet<>(modes).size() != modes.size()) {
            problems.add("modes: a mode is listed twice: " + modes.stream().map(ConfigJson::name).toList());
        } else if (baseline == null || !modes.contains(baseline)) {
            problems.add("baseline: must be one of the modes (" + modes.stream().map(ConfigJson::name)
                    .collect(Collectors.joining(", ")) + "), was " + (baseline == null ? null
                    : ConfigJson.name(baseline)));
        }
    }

    private void validateMargins(List<String> problems) {
        if (margins == null || margins.isEmpty() || margins.contains(null)) {
            problems.add("margins: must list at least one CPM margin");
            return;
        }
        for (int i = 0; i < margins.size(); i++) {
            double m = margins.get(i);
            if (!(m >= CpmSettings.MIN_MARGIN && m <= CpmSettings.MAX_MARGIN)) {
                problems.add("margins[" + i + "]: must be in [-1, 1], was " + m);
            } else if (i > 0 && !(m > margins.get(i - 1))) {
                problems.add("margins[" + i + "]: margins must be strictly increasing, " + m + " follows "
                        + margins.get(i - 1));
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SweepDefinition d && d.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, seeds, margins);
    }
}
