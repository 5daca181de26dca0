package io.vigil.history.query;

import java.util.Optional;

/** One alert change as the engine sent it on vigil.alerts: its state then, and the times it carried. {@code labelsJson} is the labels' JSON object. */
public record RecordedAlertChange(
        long sentMs,
        Optional<String> cluster,
        String fingerprint,
        String alertname,
        Optional<String> severity,
        String state,
        long version,
        String change,
        String labelsJson,
        long activeMs,
        Optional<Long> firedMs,
        Optional<Long> resolvedMs) {}
