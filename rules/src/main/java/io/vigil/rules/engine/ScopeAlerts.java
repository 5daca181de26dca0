package io.vigil.rules.engine;

import io.vigil.rules.alert.TrackedAlert;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The alerts of one scope, and when an event of the scope was last evaluated (for forgetting scopes that went away). */
public record ScopeAlerts(Instant lastObserved, List<TrackedAlert> alerts) {
    public ScopeAlerts {
        Objects.requireNonNull(lastObserved, "lastObserved");
        alerts = List.copyOf(alerts);
    }
}
