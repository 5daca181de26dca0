package io.vigil.lab.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A pair's simulated time as a {@link Clock}, for the production parts the lab runs on it (executors, journals). */
final class SimulatedClock extends Clock {
    private final SimulatedPair pair;

    SimulatedClock(SimulatedPair pair) {
        this.pair = pair;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return pair.now();
    }
}
