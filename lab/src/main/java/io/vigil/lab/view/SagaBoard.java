package io.vigil.lab.view;

import io.vigil.events.AuditEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each resource's latest failover as read back from vigil.audit: the saga, the phase its newest
 * entry was written in, when the saga and the phase began, and what it did last. The audit trail
 * is keyed by cluster, so a cluster's entries arrive in the order the engine committed them.
 */
public final class SagaBoard {
    /** One resource's latest saga; {@code last} is the newest entry's text, as the engine wrote it (not yet made printable). */
    public record SagaLine(
            String cluster,
            String resource,
            String sagaId,
            String phase,
            Instant startedAt,
            Instant phaseSince,
            Instant lastAt,
            String last) {}

    private final Map<String, SagaLine> byResource = new TreeMap<>();

    public synchronized void accept(AuditEntry entry) {
        String key = entry.cluster() + "/" + entry.resource();
        SagaLine known = byResource.get(key);
        if (known == null || !known.sagaId().equals(entry.sagaId())) {
            if (known != null && entry.at().isBefore(known.startedAt())) {
                // an earlier saga's entry read after a later saga began: the later one is the resource's present
                return;
            }
            byResource.put(
                    key,
                    new SagaLine(
                            entry.cluster(),
                            entry.resource(),
                            entry.sagaId(),
                            entry.phase(),
                            entry.at(),
                            entry.at(),
                            entry.at(),
                            entry.text()));
            return;
        }
        Instant phaseSince = known.phase().equals(entry.phase()) ? known.phaseSince() : entry.at();
        byResource.put(
                key,
                new SagaLine(
                        known.cluster(),
                        known.resource(),
                        known.sagaId(),
                        entry.phase(),
                        known.startedAt(),
                        phaseSince,
                        entry.at(),
                        entry.text()));
    }

    /** The resources that have had a saga, by cluster and resource. */
    public synchronized List<SagaLine> all() {
        List<SagaLine> lines = new ArrayList<>(byResource.values());
        lines.sort(Comparator.comparing(SagaLine::cluster).thenComparing(SagaLine::resource));
        return lines;
    }
}
