package io.vigil.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One record on {@link Topics#TELEMETRY}: who said it (cluster, node), in what order (seq, strictly
 * increasing per node across agent restarts), when, and the typed fact itself.
 */
public record Envelope(int v, String cluster, String node, long seq, Instant ts, Body body) {
    public static final int VERSION = 1;

    public Envelope {
        if (v != VERSION) {
            throw new IllegalArgumentException(
                    "v: version " + v + " is not supported (this build reads " + VERSION + ")");
        }
        Name.check("cluster", cluster);
        Name.check("node", node);
        if (seq < 0) {
            throw new IllegalArgumentException("seq: must not be negative, was " + seq);
        }
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(body, "body");
    }

    public static Envelope of(String cluster, String node, long seq, Instant ts, Body body) {
        return new Envelope(VERSION, cluster, node, seq, ts, body);
    }

    public EventKind kind() {
        return body.kind();
    }
}
