package org.exitbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.exitbench.train.BackboneTrainingProgress;
import org.exitbench.train.BackboneTrainingProgress.Kind;
import org.junit.jupiter.api.Test;

class TrainingProgressLineTest {

    private static BackboneTrainingProgress batch(int epoch, int batch, double eta) {
        return new BackboneTrainingProgress(Kind.BATCH, epoch, 12, batch, 10, 0.5, 0.75, Double.NaN, 0.1, 250, eta);
    }

    private static BackboneTrainingProgress epochEnd(int epoch, double validation) {
        return new BackboneTrainingProgress(Kind.EPOCH_END, epoch, 12, 10, 10, 0.5, 0.75, validation, 0.1, 250, 60);
    }

    @Test
    void rewritesOneLinePerEpochAndKeepsASummaryLineMarkingTheBest() {
        StringWriter text = new StringWriter();
        TrainingProgressLine line = new TrainingProgressLine(new PrintWriter(text), true);
        line.onProgress(batch(1, 10, 3725));
        line.onProgress(epochEnd(1, 0.80));
        line.onProgress(batch(2, 10, 65));
        line.onProgress(epochEnd(2, 0.70));
        line.onProgress(batch(3, 10, 5));
        line.onProgress(epochEnd(3, 0.85));

        String[] lines = text.toString().split("\n");
        assertEquals(3, lines.length, text.toString());
        assertTrue(lines[0].startsWith("\repoch  1/12 [====================] 10/10  loss 0.5000  acc 0.7500"),
                lines[0]);
        assertTrue(lines[0].contains("250 img/s  ETA 1:02:05"), lines[0]);
        assertTrue(lines[0].contains("\repoch  1/12  loss 0.5000  train acc 0.7500  val acc 0.8000 *"), lines[0]);
        assertTrue(lines[1].contains("ETA 1:05") && lines[1].contains("val acc 0.7000    lr"), lines[1]);
        assertTrue(lines[2].contains("ETA 5 s") && lines[2].contains("val acc 0.8500 *"), lines[2]);
    }

    @Test
    void quietKeepsOnlyTheEpochSummaries() {
        StringWriter text = new StringWriter();
        TrainingProgressLine line = new TrainingProgressLine(new PrintWriter(text), false);
        line.onProgress(batch(1, 10, 3725));
        line.onProgress(epochEnd(1, 0.80));
        String printed = text.toString();
        assertTrue(printed.startsWith("\repoch  1/12  loss 0.5000  train acc 0.7500  val acc 0.8000 *"), printed);
        assertEquals(1, printed.split("\n").length, printed);
        assertTrue(printed.endsWith("\n") && !printed.contains("img/s"), printed);
    }

    @Test
    void durationsReadNaturally() {
        assertEquals("?", TrainingProgressLine.duration(Double.NaN));
        assertEquals("59 s", TrainingProgressLine.duration(59.4));
        assertEquals("1:00", TrainingProgressLine.duration(60));
        assertEquals("1:00:00", TrainingProgressLine.duration(3600));
    }
}
