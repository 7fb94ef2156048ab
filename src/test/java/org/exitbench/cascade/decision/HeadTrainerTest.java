package org.exitbench.cascade.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadTrainerTest {

    private static final int C = 4;

    /**
     * A branch whose top probability says nothing: it is drawn uniformly whether the answer agrees with the backbone
     * or not. What does tell is where the rest of the mass goes: spread evenly when it agrees, piled on one runner-up
     * class when it does not (a confusion the branch half-sees). Exit 1 agrees with the backbone exactly when it
     * agrees with exit 0. A head reading the whole softmax and the earlier answer must separate both cases; max-softmax
     * cannot.
     */
    private record Case(DecisionInputs inputs, int[] backbone, int[] labels) {

        static Case draw(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[][] exits = new float[2][n * C];
            int[] backbone = new int[n];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                backbone[i] = random.nextInt(C);
                labels[i] = backbone[i];
                boolean agrees = random.nextBoolean();
                int answer = agrees ? backbone[i] : (backbone[i] + 1 + random.nextInt(C - 1)) % C;
                float top = (float) (0.55 + 0.2 * random.nextDouble());
                int runnerUp = (answer + 1 + random.nextInt(C - 1)) % C;
                for (int j = 0; j < C; j++) {
                    exits[0][i * C + j] = j == answer ? top
                            : agrees ? (1 - top) / (C - 1) : j == runnerUp ? (1 - top) * 0.94f : (1 - top) * 0.02f;
                }
                // Exit 1: the backbone's answer when exit 0 gave it, else a third class (neither exit 0's nor the backbone's).
                int second = backbone[i];
                while (!agrees && (second == backbone[i] || second == answer)) {
                    second = random.nextInt(C);
                }
                float top1 = (float) (0.4 + 0.3 * random.nextDouble());
                for (int j = 0; j < C; j++) {
                    exits[1][i * C + j] = j == second ? top1 : (1 - top1) / (C - 1);
                }
            }
            return new Case(DecisionInputs.of(exits, C), backbone, labels);
        }

        boolean[] agrees(int exit) {
            boolean[] y = new boolean[backbone.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = inputs.predicted(exit, i) == backbone[i];
            }
            return y;
        }
    }

    @Test
    void aLearnedHeadSeparatesWhatMaxSoftmaxCannot() {
        Case train = Case.draw(3000, 1);
        Case test = Case.draw(1500, 2);
        for (int hidden : new int[] {0, 8}) {
            LearnedHeadRule rule = new HeadTrainer(HeadTrainer.Settings.defaults(5).withHidden(hidden))
                    .train(train.inputs, train.backbone, train.labels, null);
            float[] head = rule.scores(test.inputs);
            float[] max = MaxSoftmaxRule.INSTANCE.scores(test.inputs);
            for (int k = 0; k < 2; k++) {
                double maxAuc = SyntheticOutputs.auc(max, 2, k, test.agrees(k));
                double headAuc = SyntheticOutputs.auc(head, 2, k, test.agrees(k));
                assertTrue(maxAuc > 0.4 && maxAuc < 0.6, "max-softmax is uninformative at exit " + k + ": " + maxAuc);
                assertTrue(headAuc > 0.95, hidden + " hidden, exit " + k + ": the head separates, AUC " + headAuc);
            }
        }
    }

    @Test
    void theSameSeedTrainsTheSameHeadsAndAnotherSeedOthers() {
        Case train = Case.draw(800, 3);
        HeadTrainer.Settings settings = HeadTrainer.Settings.defaults(9).withHidden(4);
        LearnedHeadRule a = new HeadTrainer(settings).train(train.inputs, train.backbone, train.labels, null);
        LearnedHeadRule b = new HeadTrainer(settings).train(train.inputs, train.backbone, train.labels, null);
        LearnedHeadRule other = new HeadTrainer(HeadTrainer.Settings.defaults(10).withHidden(4))
                .train(train.inputs, train.backbone, train.labels, null);
        assertEquals(a, b);
        assertNotEquals(a, other);
    }

    @Test
    void trainsEachExitOnTheSamplesThatReachIt() {
        Case train = Case.draw(1000, 4);
        boolean[] reaching = new boolean[1000];
        for (int i = 0; i < 1000; i++) {
            reaching[i] = i % 2 == 0;
        }
        HeadTrainer trainer = new HeadTrainer(HeadTrainer.Settings.defaults(1).withHidden(0));
        LearnedHeadRule all = trainer.train(train.inputs, train.backbone, train.labels, null);
        LearnedHeadRule half = trainer.train(train.inputs, train.backbone, train.labels,
                new boolean[][] {null, reaching});
        assertEquals(all.heads().get(0), half.heads().get(0), "exit 0 reached by all in both");
        assertNotEquals(all.heads().get(1), half.heads().get(1), "exit 1 trained on the even samples alone");
    }
}
