package org.exitbench.experiment;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.AccuracyEvaluator;
import org.exitbench.train.BackboneTrainingResult;

/**
 * The end of a backbone training, the same from {@code exitbench backbone train} and from the app's Training pane:
 * measure the trained network's accuracy on every split, record it in the backbone's provenance, and save the
 * backbone file. Training itself ({@link org.exitbench.train.BackboneTrainer}, with its checkpoints and resume) is
 * left to the caller, which shows its epochs its own way.
 */
public final class BackboneTrainingJob {

    private BackboneTrainingJob() {
    }

    /**
     * A saved backbone and what it scored.
     *
     * @param file     where it was saved
     * @param backbone the backbone saved
     * @param accuracy per split (by {@link Split#ordinal()}), the accuracy of the trained network; NaN for an
     *                 empty split
     */
    public record Saved(Path file, TrainedBackbone backbone, double[] accuracy) {

        public Saved {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(backbone, "backbone");
            accuracy = accuracy.clone();
        }

        /** @return the accuracy on one split */
        public double accuracy(Split split) {
            return accuracy[split.ordinal()];
        }
    }

    /**
     * Measures and saves a trained backbone.
     *
     * @param result     the training's result
     * @param dataset    the dataset it was trained on, whose splits are measured
     * @param file       where to save it (replaced atomically)
     * @param provenance extra provenance entries ("trainedIn"), kept beside the measured accuracies
     * @param progress   receives one step per split measured
     * @throws org.exitbench.progress.CancelledException when cancelled; nothing is saved
     */
    public static Saved measureAndSave(BackboneTrainingResult result, Dataset dataset, Path file,
            Map<String, String> provenance, ProgressListener progress, CancellationToken cancel) {
        int evalBatch = Math.max(64, result.config().batchSize());
        double[] accuracy = new double[Split.values().length];
        for (Split split : Split.values()) {
            accuracy[split.ordinal()] = AccuracyEvaluator.accuracy(result.graph(), dataset.split(split),
                    result.stats(), evalBatch, "Measuring " + split.folderName() + " accuracy", progress, cancel);
        }
        Map<String, String> entries = new LinkedHashMap<>(provenance);
        entries.put("trainAccuracy", format(accuracy[Split.TRAIN.ordinal()]));
        entries.put("testAccuracy", format(accuracy[Split.TEST.ordinal()]));
        TrainedBackbone backbone = result.toBackbone(entries);
        BackboneFile.save(backbone, file);
        return new Saved(file, backbone, accuracy);
    }

    /** @return an accuracy as the provenance and the CLI write it, "0.9123" */
    public static String format(double accuracy) {
        return String.format(Locale.ROOT, "%.4f", accuracy);
    }
}
