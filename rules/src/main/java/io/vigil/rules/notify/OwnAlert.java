package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An alert Vigil raises about itself rather than a rule about a host (a receiver that keeps
 * failing, a test notification): cluster "vigil", named by its alertname label, with the lease
 * the engine gives its own alerts.
 */
public final class OwnAlert {
    private static final Duration LEASE = Duration.ofMinutes(4);

    private OwnAlert() {}

    /** {@code labels} without the cluster, which is added; {@code since}: when the trouble began. */
    public static Alert of(
            Map<String, String> labels,
            Map<String, String> annotations,
            AlertState state,
            long version,
            Instant since,
            Instant now) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("cluster", "vigil");
        String rule = all.get("alertname");
        return new Alert(
                Alert.VERSION,
                AlertLabels.fingerprint(all),
                rule,
                state,
                version,
                AlertChange.STATE,
                all,
                annotations,
                since,
                Optional.of(since),
                state == AlertState.RESOLVED ? Optional.of(now) : Optional.empty(),
                now.plus(LEASE),
                now,
                false,
                false,
                List.of(),
                List.of(),
                Optional.empty());
    }
}
