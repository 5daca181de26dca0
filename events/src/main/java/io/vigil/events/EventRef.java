package io.vigil.events;

import java.time.Instant;
import java.util.Objects;

/** Which telemetry event something rests on: its sender, its place in the sender's order, its time. */
public record EventRef(String cluster, String node, long seq, Instant ts) {
    public EventRef {
        Name.check("cluster", cluster);
        Name.check("node", node);
        Objects.requireNonNull(ts, "ts");
    }

    public static EventRef of(Envelope envelope) {
        return new EventRef(envelope.cluster(), envelope.node(), envelope.seq(), envelope.ts());
    }
}
