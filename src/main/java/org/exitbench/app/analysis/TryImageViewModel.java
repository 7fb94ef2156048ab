package org.exitbench.app.analysis;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.exitbench.app.io.ErrorText;
import org.exitbench.app.io.Notice;
import org.exitbench.app.io.Notices;
import org.exitbench.app.operatingpoint.DisplayText;
import org.exitbench.app.operatingpoint.OperatingPointModel;
import org.exitbench.app.operatingpoint.OperatingPointResult;
import org.exitbench.app.operatingpoint.RunCascadeSource;
import org.exitbench.app.task.TaskCallbacks;
import org.exitbench.app.task.TaskExecutor;
import org.exitbench.cascade.CostModel;
import org.exitbench.cascade.ExitRule;
import org.exitbench.cascade.ExitScores;
import org.exitbench.cascade.Thresholds;
import org.exitbench.cascade.decision.ExitDecisionRule;
import org.exitbench.data.Dataset;
import org.exitbench.data.ImageConversion;
import org.exitbench.data.ImageDataset;
import org.exitbench.data.ImageFiles;
import org.exitbench.data.Split;
import org.exitbench.experiment.RunImageScorer;

/**
 * "Try your own image": an image from outside the dataset (a file, every image of a folder, or a picture pasted from
 * the clipboard) is read with the data layer's bounded decoder, converted to the dataset's geometry and look
 * ({@link ImageConversion}: gray, size, a light background inverted for a dataset on black, cropped and centred as
 * the dataset's objects are) and run through the shown run's backbone and branches ({@link RunImageScorer}, the
 * engine that scored the run's own test images), all in the background. Its path through the cascade then follows
 * the shared operating point: every threshold move, rule change or margin re-decides where it leaves without running
 * the network again; showing another run or mode runs it through that one.
 *
 * <p>The conversion's inversion is the user's to undo: {@link #invertProperty()} starts at what the image's
 * background suggests and, when changed, converts and scores the image again.
 */
public final class TryImageViewModel {

    /** The longest side of the original's thumbnail. */
    public static final int THUMBNAIL_SIDE = 160;

    private static final System.Logger LOG = System.getLogger(TryImageViewModel.class.getName());

    /**
     * One image tried.
     *
     * @param name       the file's name, or what was pasted
     * @param original   the image as read (its working copy)
     * @param thumbnail  the image as read, scaled to fit {@value #THUMBNAIL_SIDE} pixels
     * @param converted  what the network sees
     * @param scored     every exit's and the head's answer
     * @param runName    the cascade that scored it ("run … · boosted")
     * @param costs      what each exit of that cascade costs
     * @param classNames the class names, index = class
     * @param seconds    from asking to the path ready: reading, converting, the network (and loading it, the first
     *                   time)
     * @param cpuSeconds the processor time the background work took (loading the network, reading, converting,
     *                   the network), which the machine's load does not inflate
     */
    public record Shown(String name, ImageConversion.Original original, ImageConversion.Original thumbnail,
                        ImageConversion.Converted converted, RunImageScorer.Scored scored, String runName,
                        CostModel costs, List<String> classNames, double seconds, double cpuSeconds) {

        /** @return this image with the time it took, from asking to its path ready */
        Shown took(double total) {
            return new Shown(name, original, thumbnail, converted, scored, runName, costs, classNames, total,
                    cpuSeconds);
        }
    }

    /** One image to try: a file, or a picture from the clipboard. */
    private record Item(Path file, ImageConversion.Original pasted) {

        String name() {
            return file != null ? String.valueOf(file.getFileName()) : pasted.source();
        }
    }

    private final OperatingPointModel point;
    private final TaskExecutor executor;
    private final Notices notices;
    private final Supplier<Dataset> openDataset;
    private final Supplier<ExitDecisionRule> derivedRule;
    private final ObjectProperty<SpeedupViewModel.Target> target = new SimpleObjectProperty<>(this, "target");
    private final ReadOnlyObjectWrapper<Shown> shown = new ReadOnlyObjectWrapper<>(this, "shown");
    private final ReadOnlyObjectWrapper<TryImagePath> path = new ReadOnlyObjectWrapper<>(this, "path");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper verdict = new ReadOnlyStringWrapper(this, "verdict", "");
    private final ReadOnlyStringWrapper position = new ReadOnlyStringWrapper(this, "position", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper(this, "active");
    private final ReadOnlyBooleanWrapper canPrevious = new ReadOnlyBooleanWrapper(this, "canPrevious");
    private final ReadOnlyBooleanWrapper canNext = new ReadOnlyBooleanWrapper(this, "canNext");
    private final BooleanProperty invert = new SimpleBooleanProperty(this, "invert");
    private final Scorers scorers = new Scorers();
    private List<Item> items = List.of();
    private String itemsFrom = "";
    private int index;
    private long generation;
    private boolean settingInvert;
    private boolean preparing;
    private Dataset lookedAt;
    private ImageConversion.Look look;

    /**
     * @param point       the shared operating point: its thresholds decide where the image leaves
     * @param executor    runs reading, conversion and the network
     * @param notices     where failures are posted
     * @param openDataset the dataset open in the Data pane, or {@code null}: its images teach the conversion the
     *                    dataset's look when they have the backbone's geometry
     * @param derivedRule the exit decision rule fitted in the Calibration pane, or {@code null}: needed when the
     *                    thresholds compare a derived score
     */
    public TryImageViewModel(OperatingPointModel point, TaskExecutor executor, Notices notices,
            Supplier<Dataset> openDataset, Supplier<ExitDecisionRule> derivedRule) {
        this.point = Objects.requireNonNull(point, "point");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.openDataset = Objects.requireNonNull(openDataset, "openDataset");
        this.derivedRule = Objects.requireNonNull(derivedRule, "derivedRule");
        point.resultProperty().addListener((obs, old, now) -> refreshPath());
        shown.addListener((obs, old, now) -> refreshPath());
        target.addListener((obs, old, now) -> {
            if (active.get()) {
                showItem(false, null);
            }
        });
        invert.addListener((obs, was, now) -> {
            if (!settingInvert && shown.get() != null) {
                showItem(false, now);
            }
        });
    }

    /** @return the run and mode whose cascade the image goes through; the workbench follows the shown run */
    public ObjectProperty<SpeedupViewModel.Target> targetProperty() {
        return target;
    }

    /** @return the image shown, or {@code null} */
    public ReadOnlyObjectProperty<Shown> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** @return its path through the cascade at the current thresholds, or {@code null} */
    public ReadOnlyObjectProperty<TryImagePath> pathProperty() {
        return path.getReadOnlyProperty();
    }

    /** @return "Leaves at exit 1 as sneaker (92 %)", or empty */
    public ReadOnlyStringProperty verdictProperty() {
        return verdict.getReadOnlyProperty();
    }

    /** @return what is under way, what went wrong (naming the file), or why no path is shown; empty otherwise */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** @return "image 2 of 12 from drawings", or empty for a single image */
    public ReadOnlyStringProperty positionProperty() {
        return position.getReadOnlyProperty();
    }

    /** @return whether an image is being read or run */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** @return whether images were given (shown, being read, or failed): the panel is shown */
    public ReadOnlyBooleanProperty activeProperty() {
        return active.getReadOnlyProperty();
    }

    /** @return whether there is an image before the shown one */
    public ReadOnlyBooleanProperty canPreviousProperty() {
        return canPrevious.getReadOnlyProperty();
    }

    /** @return whether there is an image after the shown one */
    public ReadOnlyBooleanProperty canNextProperty() {
        return canNext.getReadOnlyProperty();
    }

    /**
     * @return whether the image's values are inverted before the network sees them: set to what its background
     *         suggests when it is read; changing it converts and runs it again
     */
    public BooleanProperty invertProperty() {
        return invert;
    }

    /**
     * Tries image files: each path a file, or a folder whose images (PNG, JPEG, BMP, GIF, recursively, by name) are
     * stepped through with {@link #next()} and {@link #previous()}. The first is shown.
     */
    public void open(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long ticket = ++generation;
        active.set(true);
        busy.set(true);
        String from = paths.size() == 1 ? String.valueOf(paths.get(0).getFileName()) : paths.size() + " files";
        status.set("Reading " + from + " …");
        List<Path> given = List.copyOf(paths);
        executor.submit("Listing the images of " + from, (progress, cancel) -> ImageFiles.list(given),
                TaskCallbacks.of(files -> {
                    if (ticket != generation) {
                        return;
                    }
                    List<Item> list = new ArrayList<>();
                    files.forEach(file -> list.add(new Item(file, null)));
                    items = List.copyOf(list);
                    itemsFrom = paths.size() == 1 && list.size() > 1 ? from : "";
                    index = 0;
                    showItem(true, null, started);
                }, error -> fail(ticket, from, error), () -> cancelled(ticket)));
    }

    /**
     * Tries a picture handed over already decoded (pasted from the clipboard, dropped from a browser), as packed ARGB.
     *
     * @param name what to call it ("pasted image")
     */
    public void openPixels(int[] argb, int width, int height, String name) {
        ImageConversion.Original original;
        ++generation;
        active.set(true);
        try {
            original = ImageConversion.Original.ofArgb(argb, width, height, name);
        } catch (IllegalArgumentException e) {
            fail(generation, name, e);
            return;
        }
        items = List.of(new Item(null, original));
        itemsFrom = "";
        index = 0;
        showItem(true, null);
    }

    /**
     * Loads the shown run's cascade in the background and runs a blank image through it, when it is not loaded
     * yet: called when the Analysis pane is shown, so the first image dropped there is answered in about a second
     * rather than after the network has loaded. A failure is left for the first real try to report.
     */
    public void prepare() {
        SpeedupViewModel.Target on = target.get();
        if (on == null || preparing || scorers.holds(on)) {
            return;
        }
        preparing = true;
        long started = System.nanoTime();
        executor.submit("Preparing Try your own image", (progress, cancel) -> {
            progress.report("Loading the cascade", 0, 1);
            long cpuStart = cpuNanos();
            scorers.get(on).warmUp();
            return (cpuNanos() - cpuStart) / 1e9;
        }, TaskCallbacks.of(cpu -> {
            preparing = false;
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "Prepared %s for trying images in %.2f s, "
                    + "%.2f s of CPU (load average %.1f)", RunCascadeSource.displayName(on.runId(), on.mode()),
                    (System.nanoTime() - started) / 1e9, cpu,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        }, error -> {
            preparing = false;
            LOG.log(System.Logger.Level.INFO, "Could not prepare the cascade for trying images: " + error.getMessage());
        }, () -> preparing = false));
    }

    /** Shows a sentence in the panel in place of an image (why nothing could be tried). */
    public void explain(String message) {
        ++generation;
        items = List.of();
        shown.set(null);
        busy.set(false);
        active.set(true);
        status.set(message);
        refreshPosition();
    }

    /** Shows the next image of a folder. */
    public void next() {
        if (index + 1 < items.size()) {
            index++;
            showItem(true, null);
        }
    }

    /** Shows the previous image of a folder. */
    public void previous() {
        if (index > 0) {
            index--;
            showItem(true, null);
        }
    }

    /** Puts the tried images away (the network stays loaded for the next). */
    public void close() {
        ++generation;
        items = List.of();
        shown.set(null);
        busy.set(false);
        active.set(false);
        status.set("");
        refreshPosition();
    }

    private void showItem(boolean fresh, Boolean invertChoice) {
        showItem(fresh, invertChoice, System.nanoTime());
    }

    /**
     * Reads (or reuses), converts and scores the current item in the background.
     *
     * @param fresh        whether it is another image than the one shown (its own inversion is suggested afresh)
     * @param invertChoice the user's inversion, or {@code null} for the image's suggestion
     */
    private void showItem(boolean fresh, Boolean invertChoice, long started) {
        refreshPosition();
        if (items.isEmpty()) {
            return;
        }
        SpeedupViewModel.Target on = target.get();
        Item item = items.get(index);
        long ticket = ++generation;
        if (on == null) {
            busy.set(false);
            shown.set(null);
            status.set("Trying an image needs a trained cascade: open or train a run (the panes show synthetic "
                    + "scores until then).");
            return;
        }
        Shown before = shown.get();
        ImageConversion.Original kept = !fresh && before != null ? before.original() : item.pasted();
        Boolean choice = invertChoice != null ? invertChoice : fresh ? null : Boolean.valueOf(invert.get());
        busy.set(true);
        status.set("Running " + item.name() + " through " + RunCascadeSource.displayName(on.runId(), on.mode())
                + " …");
        Dataset dataset = openDataset.get();
        executor.submit("Trying " + item.name(), (progress, cancel) -> {
            long cpuStart = cpuNanos();
            progress.report("Loading the cascade", 0, 3);
            RunImageScorer scorer = scorers.get(on);
            cancel.throwIfCancelled();
            progress.report("Reading " + item.name(), 1, 3);
            ImageConversion.Original original = kept != null ? kept : ImageConversion.Original.read(item.file());
            ImageConversion.Look datasetLook = lookOf(dataset, scorer);
            boolean inverted = choice != null ? choice : ImageConversion.suggestsInversion(original, datasetLook);
            ImageConversion.Converted converted = ImageConversion.convert(original, scorer.inputChannels(),
                    scorer.inputHeight(), scorer.inputWidth(), datasetLook, inverted);
            cancel.throwIfCancelled();
            progress.report("Running " + item.name() + " through the cascade", 2, 3);
            RunImageScorer.Scored scored = scorer.score(converted.pixels(), original.source());
            return new Shown(item.name(), original, original.scaledToFit(THUMBNAIL_SIDE), converted, scored,
                    RunCascadeSource.displayName(scorer.run().id(), scorer.mode()), scorer.costModel(),
                    scorer.classNames(), Double.NaN, (cpuNanos() - cpuStart) / 1e9);
        }, TaskCallbacks.of(result -> {
            if (ticket != generation) {
                return;
            }
            busy.set(false);
            status.set("");
            settingInvert = true;
            invert.set(result.converted().inverted());
            settingInvert = false;
            Shown timed = result.took((System.nanoTime() - started) / 1e9);
            shown.set(timed);
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "Tried %s: read, converted and run through "
                    + "%s in %.2f s, %.2f s of CPU (load average %.1f)", timed.name(), timed.runName(), timed.seconds(),
                    timed.cpuSeconds(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        }, error -> fail(ticket, item.name(), error), () -> cancelled(ticket)));
    }

    /** @return the processor time of the calling thread so far, in nanoseconds (0 where the JVM cannot tell) */
    private static long cpuNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    }

    /** The dataset's look, learned once per dataset from the open one when it has the backbone's geometry. */
    private synchronized ImageConversion.Look lookOf(Dataset dataset, RunImageScorer scorer) {
        if (dataset != null && dataset == lookedAt) {
            return look;
        }
        ImageConversion.Look learned = ImageConversion.Look.unknown();
        if (dataset != null) {
            ImageDataset images = dataset.split(Split.TEST).size() > 0 ? dataset.split(Split.TEST)
                    : dataset.split(Split.TRAIN);
            boolean fits = images.height() == scorer.inputHeight() && images.width() == scorer.inputWidth()
                    && (images.channels() == scorer.inputChannels() || images.channels() == 1);
            if (fits) {
                learned = ImageConversion.Look.of(images);
            }
        }
        lookedAt = dataset;
        look = learned;
        return learned;
    }

    private void fail(long ticket, String what, Throwable error) {
        if (ticket != generation) {
            return;
        }
        busy.set(false);
        shown.set(null);
        String text = ErrorText.of(error);
        status.set("Could not try " + what + ": " + text);
        notices.post(Notice.error("Could not try " + what, text));
    }

    private void cancelled(long ticket) {
        if (ticket == generation) {
            busy.set(false);
            status.set("Cancelled.");
        }
    }

    private void refreshPosition() {
        int n = items.size();
        canPrevious.set(index > 0);
        canNext.set(index + 1 < n);
        position.set(n <= 1 ? "" : "image " + (index + 1) + " of " + n + (itemsFrom.isEmpty() ? ""
                : " from " + itemsFrom));
    }

    /** Decides the shown image's exit at the current thresholds, or says why it cannot. */
    private void refreshPath() {
        Shown now = shown.get();
        OperatingPointResult result = point.resultProperty().get();
        if (now == null) {
            path.set(null);
            verdict.set("");
            return;
        }
        String problem = null;
        TryImagePath decided = null;
        if (result == null || !result.source().name().equals(now.runName())) {
            problem = "The panes show " + (result == null ? "no cascade" : result.source().name()) + ", not "
                    + now.runName() + " that ran this image.";
        } else {
            Thresholds thresholds = result.thresholds();
            ExitScores scores = now.scored().scores();
            ExitDecisionRule rule = thresholds.rule() == ExitRule.DERIVED ? derivedRule.get() : null;
            if (thresholds.rule() == ExitRule.DERIVED && rule == null) {
                problem = "The thresholds compare a fitted exit rule's score, which is not at hand for this image.";
            } else {
                if (rule != null) {
                    scores = rule.attach(scores, now.scored().inputs());
                }
                CostModel costs = result.source().costModel().exitCount() == scores.exitCount()
                        ? result.source().costModel() : now.costs();
                decided = TryImagePath.of(scores, thresholds, costs);
            }
        }
        path.set(decided);
        if (decided == null) {
            verdict.set("");
            status.set(problem);
            return;
        }
        if (!busy.get()) {
            status.set("");
        }
        verdict.set("Leaves at " + (decided.exitTaken() == decided.exitCount() ? "the " : "")
                + DisplayText.exitName(decided.exitTaken(), decided.exitCount()) + " as "
                + now.classNames().get(decided.answer()) + " (" + DisplayText.probability(decided.confidence()) + ").");
    }

    /** The loaded cascade, kept while the same run and mode are shown; loading another closes the old. */
    private static final class Scorers {
        private SpeedupViewModel.Target loadedFor;
        private RunImageScorer scorer;

        synchronized boolean holds(SpeedupViewModel.Target target) {
            return scorer != null && target.equals(loadedFor);
        }

        synchronized RunImageScorer get(SpeedupViewModel.Target target) {
            if (scorer != null && target.equals(loadedFor)) {
                return scorer;
            }
            if (scorer != null) {
                scorer.close();
                scorer = null;
            }
            scorer = RunImageScorer.open(target.runFolder(), target.mode());
            loadedFor = target;
            return scorer;
        }
    }
}
