package org.exitbench.app.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The task strip's time-left estimate: the average pace so far, extrapolated. */
class EtaEstimateTest {

    @Test
    void extrapolatesTheAveragePace() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), EtaEstimate.remaining(0.25, Duration.ofSeconds(10)));
        assertEquals(Optional.of(Duration.ZERO), EtaEstimate.remaining(1.0, Duration.ofSeconds(3)));
    }

    @Test
    void saysNothingWhileTheTotalIsUnknownOrTheTaskTooYoung() {
        assertEquals(Optional.empty(), EtaEstimate.remaining(-1, Duration.ofSeconds(10)));
        assertEquals(Optional.empty(), EtaEstimate.remaining(0.01, Duration.ofSeconds(10)));
        assertEquals(Optional.empty(), EtaEstimate.remaining(0.5, Duration.ofMillis(100)));
    }

    @Test
    void formatsAsAClockRoundedUpToTheSecond() {
        assertEquals("about 0:07 left", EtaEstimate.format(Duration.ofMillis(6_200)));
        assertEquals("about 12:30 left", EtaEstimate.format(Duration.ofSeconds(750)));
        assertEquals("about 1:02:05 left", EtaEstimate.format(Duration.ofSeconds(3725)));
    }
}
