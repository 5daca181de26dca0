package io.vigil.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A pair's simulated time as a {@link Clock}, for the production parts the lab runs on it
 * (executors, journals); UTC unless {@link #withZone} asks for another zone, as Clock's contract says.
 */
final class SimulatedClock extends Clock {
    private final SimulatedPair pair;
    private final ZoneId zone;

    SimulatedClock(SimulatedPair pair) {
        this(pair, ZoneOffset.UTC);
    }

    private SimulatedClock(SimulatedPair pair, ZoneId zone) {
        this.pair = pair;
        this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new SimulatedClock(pair, zone);
    }

    @Override
    public Instant instant() {
        return pair.now();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SimulatedClock that && that.pair == pair && that.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(pair), zone);
    }

    @Override
    public String toString() {
        return "SimulatedClock[" + zone + "]";
    }
}
