package org.exitbench.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.MacTable;
import org.exitbench.progress.CancellationToken;
import org.exitbench.store.JsonDocuments;
import org.exitbench.train.BranchFitMemo;

/**
 * A sweep's pending trials as a {@link TrialExecutor} receives them: the trials, and a {@link Plan} that is plain
 * JSON, so a process that shares nothing with the driver but the feature caches' files can rebuild and run any of
 * them with the same code as the in-process runner.
 *
 * @param plan    what every trial needs besides the feature caches
 * @param pending the trials to run, in the in-process runner's order
 * @param folder  the sweep folder (its {@code results/} folder exists)
 * @param trials  trials in the definition
 * @param reused  trials already done before this run
 */
public record RemoteTrials(Plan plan, List<Pending> pending, SweepFolder folder, int trials, int reused) {

    private static final ObjectMapper MAPPER = JsonDocuments.newMapper();

    public RemoteTrials {
        Objects.requireNonNull(plan, "plan");
        pending = List.copyOf(pending);
        Objects.requireNonNull(folder, "folder");
    }

    /**
     * One trial to run.
     *
     * @param configuration the configuration's index in the definition's grid
     * @param seed          the seed
     * @param resultFile    the name of its result file inside {@code results/}
     * @param id            the configuration's id, for messages
     */
    public record Pending(int configuration, long seed, String resultFile, String id) {
    }

    /**
     * Everything a trial needs besides the features themselves.
     *
     * @param definition   the sweep definition as JSON
     * @param dataset      the dataset as the sweep names it (part of each configuration, not read by a trial)
     * @param backbone     the backbone as the sweep names it, or null (likewise)
     * @param caches       per pooling grid, the feature cache folder as a URI ({@code file:}, {@code hdfs:}, …)
     * @param exitCache    the backbone vertices of the caches' exits, shallow to deep
     * @param defaultExits the exits of a configuration that names none
     * @param macs         the backbone's MAC table for the caches' exits
     */
    public record Plan(String definition, String dataset, String backbone, Map<Integer, String> caches,
                       List<String> exitCache, List<String> defaultExits, MacTable macs) {

        /** @return this plan as JSON, to ship to another process */
        public String toJson() {
            try {
                return MAPPER.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode the sweep plan", e);
            }
        }

        /** @return the plan that {@link #toJson} wrote */
        public static Plan fromJson(String json) {
            try {
                return MAPPER.readValue(json, Plan.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not a sweep plan: " + e.getOriginalMessage(), e);
            }
        }
    }

    /**
     * Runs one trial exactly as the in-process runner does, a failure included (recorded, not thrown).
     *
     * @param caches per pooling grid, the feature cache the plan names, loaded by the caller
     * @param memo   branch fits shared between the trials this process runs
     * @throws org.exitbench.progress.CancelledException when cancelled
     */
    public static SweepResult run(Plan plan, Map<Integer, FeatureCache> caches, BranchFitMemo memo,
                                  Pending pending, CancellationToken cancel) {
        SweepDefinition definition = SweepDefinition.fromJson(plan.definition(), "the sweep plan");
        SweepConfiguration configuration = definition.configurations(plan.dataset(), plan.backbone())
                .get(pending.configuration());
        SweepTrial trial = new SweepTrial(caches, plan.exitCache(), plan.defaultExits(), plan.macs(), memo,
                definition.margins());
        long started = System.nanoTime();
        try {
            return trial.run(configuration, pending.seed(), cancel);
        } catch (RuntimeException | OutOfMemoryError e) {
            if (e instanceof org.exitbench.progress.CancelledException cancelled) {
                throw cancelled;
            }
            return trial.failed(configuration, pending.seed(), e, started);
        }
    }

    /** @return the bytes of a result file, exactly as the in-process runner writes them */
    public static byte[] resultBytes(SweepResult result) {
        return JsonDocuments.toBytes(SweepResult.DOCUMENT_TYPE, result);
    }

    /** @return the results folder */
    public Path resultsFolder() {
        return folder.root().resolve(SweepFolder.RESULTS);
    }
}
