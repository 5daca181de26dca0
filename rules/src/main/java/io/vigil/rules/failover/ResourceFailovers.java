package io.vigil.rules.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine keeps per resource, in one store entry so that one write commits it whole: how
 * many failovers it had (the next saga's number), the one in progress, the last few that ended
 * (for {@code vigil sagas} and the flap guard), and the pages sent for the current one.
 */
public record ResourceFailovers(
        long count, Optional<Saga> current, List<Saga> recent, Map<String, SagaPages.Sent> pages) {
    /** How many ended sagas are kept per resource. */
    static final int RECENT = 10;

    public ResourceFailovers {
        current = Objects.requireNonNullElse(current, Optional.empty());
        recent = List.copyOf(recent);
        pages = Map.copyOf(pages);
    }

    public static final ResourceFailovers NONE = new ResourceFailovers(0, Optional.empty(), List.of(), Map.of());

    ResourceFailovers withCurrent(Saga saga) {
        if (saga.phase().ended()) {
            List<Saga> kept = new ArrayList<>(recent);
            kept.add(0, saga);
            return new ResourceFailovers(
                    count, Optional.empty(), kept.subList(0, Math.min(RECENT, kept.size())), pages);
        }
        return new ResourceFailovers(count, Optional.of(saga), recent, pages);
    }

    ResourceFailovers counted() {
        return new ResourceFailovers(count + 1, current, recent, pages);
    }

    ResourceFailovers withPages(Map<String, SagaPages.Sent> sent) {
        return new ResourceFailovers(count, current, recent, sent);
    }
}
