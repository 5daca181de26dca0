package io.vigil.rules.failover;

import java.util.List;
import java.util.Objects;

/** A reason to fail a resource over, read from the facts: the way out, who fails, who survives, and the facts it rests on. */
public record Trigger(FailoverWay way, String failing, String survivor, String reason, List<String> evidence) {
    public Trigger {
        Objects.requireNonNull(way, "way");
        Objects.requireNonNull(failing, "failing");
        Objects.requireNonNull(survivor, "survivor");
        Objects.requireNonNull(reason, "reason");
        evidence = List.copyOf(evidence);
    }
}
