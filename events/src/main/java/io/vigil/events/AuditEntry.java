package io.vigil.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the failover audit trail on {@link Topics#AUDIT}, keyed by cluster: what the saga
 * decided or did, in which phase, and the facts it rested on ("node-b seq 812 at ...").
 */
public record AuditEntry(
        String cluster,
        String sagaId,
        String resource,
        Instant at,
        AuditKind kind,
        String phase,
        String text,
        List<String> evidence,
        Optional<String> actionId) {
    public AuditEntry {
        Name.check("cluster", cluster);
        Name.check("sagaId", sagaId);
        Name.check("resource", resource);
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(text, "text");
        evidence = List.copyOf(evidence);
        actionId = Objects.requireNonNullElse(actionId, Optional.empty());
    }
}
