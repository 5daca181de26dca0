package io.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The pair's clock keeps Clock's contract: simulated instants, in the zone asked for. */
class SimulatedClockTest {
    private final SimulatedPair pair = SimulatedPair.seed();

    @Test
    void withZoneKeepsTheZoneAndStillFollowsTheSimulatedTime() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Clock clock = pair.clock().withZone(berlin);
        assertEquals(berlin, clock.getZone());
        assertEquals(ZonedDateTime.parse("2026-11-25T08:00:00.123456+01:00[Europe/Berlin]"), ZonedDateTime.now(clock));
        pair.tick(Duration.ofMinutes(5));
        assertEquals(pair.now(), clock.instant());
        assertEquals(ZoneOffset.UTC, pair.clock().getZone());
        assertEquals(pair.clock(), pair.clock());
        assertNotEquals(pair.clock(), clock);
    }
}
