package io.vigil.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    @Test
    void theFirstPassesThenOnePerIntervalSayingHowManyWereHeldBack() {
        LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1));
        // a real clock reading: a sentinel start (Long.MIN_VALUE) once made 'now - last' overflow and held back every
        // line
        long now = 1_764_000_000_000L;
        assertEquals(OptionalLong.of(0), throttle.admit(now));
        assertEquals(OptionalLong.empty(), throttle.admit(now + 1));
        assertEquals(OptionalLong.empty(), throttle.admit(now + 59_999));
        assertEquals(OptionalLong.of(2), throttle.admit(now + 60_000));
        assertEquals(OptionalLong.empty(), throttle.admit(now + 60_001));
    }

    @Test
    void aClockThatWentBackDoesNotSilenceTheLog() {
        LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1));
        throttle.admit(1_764_000_000_000L);
        assertEquals(OptionalLong.of(0), throttle.admit(1_763_000_000_000L));
    }
}
