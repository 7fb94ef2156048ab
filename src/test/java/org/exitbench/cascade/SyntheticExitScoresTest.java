package org.exitbench.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Synthetic scores for given labels: each sample keeps its class, and the exits behave like a cascade's. */
class SyntheticExitScoresTest {

    @Test
    void scoresForGivenLabelsKeepThemAndGetMoreAccurateWithDepth() {
        int[] labels = new int[4_000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % 10;
        }

        ExitScores scores = SyntheticExitScores.generateForLabels(labels, 3, 10, 5);

        double[] accuracy = new double[4];
        for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i], scores.label(i));
            for (int k = 0; k < 3; k++) {
                accuracy[k] += scores.predicted(k, i) == labels[i] ? 1 : 0;
            }
            accuracy[3] += scores.backbonePredicted(i) == labels[i] ? 1 : 0;
        }
        for (int k = 0; k < 3; k++) {
            assertTrue(accuracy[k] < accuracy[k + 1], "exit " + k + " is less accurate than the next stage");
        }
        assertTrue(accuracy[0] / labels.length > 0.5 && accuracy[3] / labels.length < 0.97);
    }

    @Test
    void theSameSeedGivesTheSameScores() {
        int[] labels = {0, 1, 2, 1, 0};
        ExitScores a = SyntheticExitScores.generateForLabels(labels, 2, 3, 9);
        ExitScores b = SyntheticExitScores.generateForLabels(labels, 2, 3, 9);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(a.confidence(1, i), b.confidence(1, i));
        }
    }

    @Test
    void aLabelOutsideTheClassesIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticExitScores.generateForLabels(new int[] {0, 3}, 2, 3, 1));
        assertEquals("labels[1] = 3 is not a class in [0, 3)", e.getMessage());
    }
}
