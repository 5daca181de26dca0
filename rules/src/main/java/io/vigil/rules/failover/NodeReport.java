package io.vigil.rules.failover;

import io.vigil.events.DrbdResource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One node's own latest DRBD report for a resource, with where it came from (node, seq, the
 * agent's timestamp), so that a decision resting on it can say which event it rested on.
 *
 * @param confirmedAt when the node last vouched that the report still holds: the agent publishes
 *                    DRBD on change, from a followed events2 stream, so a later heartbeat saying its
 *                    DRBD probe is healthy means nothing changed since (the node's events arrive in
 *                    seq order: any change would have come before that heartbeat). {@code at} until then;
 *                    a value stored before this field existed reads as {@code at}.
 */
public record NodeReport(String node, long seq, Instant at, DrbdResource drbd, Instant confirmedAt) {
    public NodeReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(drbd, "drbd");
        confirmedAt = confirmedAt == null || confirmedAt.isBefore(at) ? at : confirmedAt;
    }

    public NodeReport(String node, long seq, Instant at, DrbdResource drbd) {
        this(node, seq, at, drbd, at);
    }

    /** The same report, vouched for by the node at {@code when}. */
    public NodeReport confirmed(Instant when) {
        return new NodeReport(node, seq, at, drbd, when);
    }

    /**
     * Whether the node said it at most {@code maxAge} before {@code now}, or vouched for it since:
     * an old report nobody vouched for proves nothing about now.
     */
    public boolean freshAt(Instant now, Duration maxAge) {
        return !confirmedAt.isBefore(now.minus(maxAge)) && !at.isAfter(now.plus(maxAge));
    }

    /** "node-b seq 812 at 2026-12-04T12:00:01Z": how the audit trail names the evidence. */
    public String evidence() {
        return node + " seq " + seq + " at " + at
                + (confirmedAt.isAfter(at) ? " (still so at " + confirmedAt + ")" : "");
    }
}
