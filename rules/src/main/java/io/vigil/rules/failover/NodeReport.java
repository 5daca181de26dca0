package io.vigil.rules.failover;

import io.vigil.events.DrbdResource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One node's own latest DRBD report for a resource, with where it came from (node, seq, the
 * agent's timestamp), so that a decision resting on it can say which event it rested on.
 */
public record NodeReport(String node, long seq, Instant at, DrbdResource drbd) {
    public NodeReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(drbd, "drbd");
    }

    /** Whether it is younger than {@code maxAge} at {@code now}: an old report proves nothing about now. */
    public boolean freshAt(Instant now, Duration maxAge) {
        return !at.isBefore(now.minus(maxAge)) && !at.isAfter(now.plus(maxAge));
    }

    /** "node-b seq 812 at 2026-12-04T12:00:01Z": how the audit trail names the evidence. */
    public String evidence() {
        return node + " seq " + seq + " at " + at;
    }
}
