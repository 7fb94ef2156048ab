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
        if (args[0].equals("pipeline")) {
            long t = System.nanoTime();
            ExperimentConfig c = ExperimentPipelineTest.sampleConfig();
            if (args.length > 1) {
                c = ExperimentConfig.fromJson(c.toJson().replace("\"seed\" : 42", "\"seed\" : " + args[1]), null);
            }
            ExperimentRun run = new ExperimentPipeline(SampleBackbone.workspace()).run(c, ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER);
            System.out.println((System.nanoTime() - t) / 1e9 + " s");
            System.out.println(org.exitbench.cli.RunReportAccess.report(run));
            return;
        }
        TrainedBackbone backbone = BackboneFile.load(Path.of(args[0]), false);
        FeatureCache cache = FeatureCache.loadOrBuild(Path.of(args[1]), backbone, org.exitbench.data.DatasetReaders.read(SampleBackbone.SAMPLE, org.exitbench.data.ReadOptions.DEFAULTS, ProgressListener.NONE, CancellationToken.NEVER), org.exitbench.model.FeatureCacheOptions.defaults(), ProgressListener.NONE, CancellationToken.NEVER).cache();
        System.out.println("backbone test acc " + cache.split(org.exitbench.data.Split.TEST).backboneAccuracy());
        var macs = backbone.macTable();
        for (String spec : args[2].split(";")) {
            String[] p = spec.split(",");
            double lr = Double.parseDouble(p[0]);
            int epochs = Integer.parseInt(p[1]);
            int filters = Integer.parseInt(p[2]);
            int batch = Integer.parseInt(p[3]);
            BranchTrainingMode mode = BranchTrainingMode.valueOf(p[4]);
            var target = p.length > 5 ? org.exitbench.train.BranchTarget.valueOf(p[5]) : org.exitbench.train.BranchTarget.BACKBONE_ARGMAX;
            BranchTrainingSettings s = new BranchTrainingSettings(mode, target, 4, 0.05, epochs, lr, batch, 1e-4, 4, 50, org.exitbench.train.SurvivorFiltering.IN_SAMPLE, 2, 42);
            CpmSettings cpm = CpmSettings.defaults().withMargin(0.0).withMarginForm(MarginForm.MULTIPLICATIVE);
            long t = System.nanoTime();
            BranchTrainingResult r = new BranchTrainer(BranchSpec.of(BranchType.CONV1D_CHANNELS, filters, 3), s, cpm).train(cache, ProgressListener.NONE, BranchTrainingListener.NONE, CancellationToken.NEVER);
            double secs = (System.nanoTime() - t) / 1e9;
            StringBuilder acc = new StringBuilder();
            r.outcomes().forEach(o -> acc.append(String.format(" %s:best%d/%d va%.3f", o.vertex(), o.bestEpoch(), o.history().size(), o.history().isEmpty() ? 0 : o.history().get(o.bestEpoch() - 1).validAccuracy())));
            System.out.printf("%s lr %.4f ep %d f %d b %d: %.1f s%s%n", mode, lr, epochs, filters, batch, secs, acc);
            var costs = ExperimentPipeline.costModel(r.cacheExits(), r.branchMacs(), macs);
            int[][] subsets = {{0}, {1}, {2}, {1, 2}, {0, 2}};
            for (int[] sub : subsets) {
                float[][] vp = new float[sub.length][];
                float[][] tp = new float[sub.length][];
                long[] bm = new long[sub.length];
                int[] ce = new int[sub.length];
                for (int j = 0; j < sub.length; j++) {
                    vp[j] = r.validProbabilities().get(sub[j]);
                    tp[j] = r.testProbabilities().get(sub[j]);
                    bm[j] = r.branchMacs()[sub[j]];
                    ce[j] = r.cacheExits()[sub[j]];
                }
                var vs = org.exitbench.cascade.ExitScores.fromProbabilities(vp, org.exitbench.train.TargetLabels.backboneProbabilities(cache.split(org.exitbench.data.Split.VALID)), cache.split(org.exitbench.data.Split.VALID).labels(), 10);
                var ts = org.exitbench.cascade.ExitScores.fromProbabilities(tp, org.exitbench.train.TargetLabels.backboneProbabilities(cache.split(org.exitbench.data.Split.TEST)), cache.split(org.exitbench.data.Split.TEST).labels(), 10);
                var cm = ExperimentPipeline.costModel(ce, bm, macs);
                var th = new CpmCalibrator(cpm).calibrate(vs);
                CascadeResult test = new CascadeEvaluator(ts, cm).evaluate(th);
                CascadeResult valid = new CascadeEvaluator(vs, cm).evaluate(th);
                System.out.printf("   subset %s m0: test drop %.2f red %.3f | valid drop %.2f red %.3f%n", java.util.Arrays.toString(sub), 100 * -test.accuracyChange(), test.computeReduction(), 100 * -valid.accuracyChange(), valid.computeReduction());
            }
            for (double m : new double[] {0.0}) {
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
