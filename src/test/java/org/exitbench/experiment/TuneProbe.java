package org.exitbench.experiment;

import java.nio.file.Path;
import org.exitbench.calibrate.CpmCalibrator;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.cascade.CascadeEvaluator;
import org.exitbench.cascade.CascadeResult;
import org.exitbench.model.BackboneFile;
import org.exitbench.model.BranchSpec;
import org.exitbench.model.BranchType;
import org.exitbench.model.FeatureCache;
import org.exitbench.model.TrainedBackbone;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.exitbench.train.BranchTrainer;
import org.exitbench.train.BranchTrainingListener;
import org.exitbench.train.BranchTrainingMode;
import org.exitbench.train.BranchTrainingResult;
import org.exitbench.train.BranchTrainingSettings;

class TuneProbe {
    public static void main(String[] args) {
        TrainedBackbone backbone = BackboneFile.load(Path.of(args[0]), false);
        FeatureCache cache = FeatureCache.load(Path.of(args[1]));
        var macs = backbone.macTable();
        for (String spec : args[2].split(";")) {
            String[] p = spec.split(",");
            double lr = Double.parseDouble(p[0]);
            int epochs = Integer.parseInt(p[1]);
            int filters = Integer.parseInt(p[2]);
            int batch = Integer.parseInt(p[3]);
            BranchTrainingMode mode = BranchTrainingMode.valueOf(p[4]);
            BranchTrainingSettings s = new BranchTrainingSettings(mode, org.exitbench.train.BranchTarget.BACKBONE_ARGMAX, 4, 0.05, epochs, lr, batch, 1e-4, 4, 50, org.exitbench.train.SurvivorFiltering.IN_SAMPLE, 2, 42);
            CpmSettings cpm = CpmSettings.defaults().withMargin(0.0).withMarginForm(MarginForm.MULTIPLICATIVE);
            long t = System.nanoTime();
            BranchTrainingResult r = new BranchTrainer(BranchSpec.of(BranchType.CONV1D_CHANNELS, filters, 3), s, cpm).train(cache, ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER);
            double secs = (System.nanoTime() - t) / 1e9;
            StringBuilder acc = new StringBuilder();
            r.outcomes().forEach(o -> acc.append(String.format(" %s:best%d/%d va%.3f", o.vertex(), o.bestEpoch(), o.history().size(), o.history().isEmpty() ? 0 : o.history().get(o.bestEpoch() - 1).validAccuracy())));
            System.out.printf("%s lr %.4f ep %d f %d b %d: %.1f s%s%n", mode, lr, epochs, filters, batch, secs, acc);
            var costs = ExperimentPipeline.costModel(r.cacheExits(), r.branchMacs(), macs);
            for (double m : new double[] {0.0, 0.02, 0.05}) {
                for (MarginForm form : MarginForm.values()) {
                    var th = new CpmCalibrator(cpm.withMargin(m).withMarginForm(form)).calibrate(r.validScores());
                    CascadeResult test = new CascadeEvaluator(r.testScores(), costs).evaluate(th);
                    CascadeResult valid = new CascadeEvaluator(r.validScores(), costs).evaluate(th);
                    System.out.printf("   m %.2f %s: test drop %.2f red %.3f | valid drop %.2f red %.3f%n", m, form, 100 * -test.accuracyChange(), test.computeReduction(), 100 * -valid.accuracyChange(), valid.computeReduction());
                }
            }
        }
    }
}
