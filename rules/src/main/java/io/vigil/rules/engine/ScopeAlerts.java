package io.vigil.rules.engine;

import io.vigil.events.AlertState;
import io.vigil.rules.alert.TrackedAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** The alerts of one scope, and when an event of the scope was last evaluated (for forgetting scopes that went away). */
public record ScopeAlerts(Instant lastObserved, List<TrackedAlert> alerts) {
    public ScopeAlerts {
        Objects.requireNonNull(lastObserved, "lastObserved");
        alerts = List.copyOf(alerts);
    }

    /** The alerts of {@code scopes} that are pending, firing or recently resolved: what the API and rule tests list. */
    public static List<TrackedAlert> held(Collection<ScopeAlerts> scopes) {
        List<TrackedAlert> held = new ArrayList<>();
        for (ScopeAlerts scope : scopes) {
            for (TrackedAlert a : scope.alerts()) {
                if (a.state() != AlertState.INACTIVE) {
                    held.add(a);
                }
            }
        }
        return held;
    }
}
