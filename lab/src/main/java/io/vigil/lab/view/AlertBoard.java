package io.vigil.lab.view;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The alerts as read back from vigil.alerts: the newest record of each fingerprint, as a compacted topic keeps it. */
public final class AlertBoard {
    private static final List<String> SEVERITY_ORDER = List.of("critical", "warning", "info");
    private final Map<String, Alert> byFingerprint = new LinkedHashMap<>();

    public synchronized void accept(Alert alert) {
        byFingerprint.put(alert.fingerprint(), alert);
    }

    /** The engine forgot an alert (its record was deleted). */
    public synchronized void forget(String fingerprint) {
        byFingerprint.remove(fingerprint);
    }

    /** Alerts now in {@code state}, most severe first, then by node and rule. */
    public synchronized List<Alert> in(AlertState state) {
        return byFingerprint.values().stream()
                .filter(a -> a.state() == state)
                .sorted(Comparator.comparingInt(
                                (Alert a) -> severityRank(a.labels().getOrDefault("severity", "")))
                        .thenComparing(a -> a.labels().getOrDefault("node", ""))
                        .thenComparing(Alert::rule)
                        .thenComparing(a -> a.labels().toString()))
                .toList();
    }

    private static int severityRank(String severity) {
        int i = SEVERITY_ORDER.indexOf(severity);
        return i < 0 ? SEVERITY_ORDER.size() : i;
    }
}
