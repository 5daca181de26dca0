package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Alerts as the engine publishes them, for the notifier's tests. */
public final class Alerts {
    public static final Instant T = Instant.parse("2026-12-01T03:00:00Z");

    private Alerts() {}

    public static Alert of(String rule, String node, String severity, AlertState state, Map<String, String> extra) {
        Map<String, String> labels = new TreeMap<>(extra);
        labels.put("alertname", rule);
        labels.put("cluster", "pair-1");
        labels.put("node", node);
        labels.put("severity", severity);
        return new Alert(
                Alert.VERSION,
                AlertLabels.fingerprint(labels),
                rule,
                state,
                state == AlertState.RESOLVED ? 2 : 1,
                AlertChange.STATE,
                labels,
                Map.of(
                        "summary",
                        node + " lost the disk under r0",
                        "runbook_url",
                        "https://wiki.example/vigil#" + rule.toLowerCase()),
                T,
                Optional.of(T),
                state == AlertState.RESOLVED ? Optional.of(T.plusSeconds(300)) : Optional.empty(),
                state == AlertState.RESOLVED ? T.plusSeconds(300) : T.plusSeconds(240),
                T,
                false,
                true,
                List.of(),
                List.of(),
                Optional.empty());
    }

    public static Alert lost(AlertState state) {
        return of("DrbdLocalDiskLost", "node-a", "critical", state, Map.of("resource", "r0", "volume", "0"));
    }
}
