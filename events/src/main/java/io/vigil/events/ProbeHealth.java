package io.vigil.events;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** How one probe fares: healthy after its last run succeeded; the error says what failed and where. */
public record ProbeHealth(
        String probe,
        boolean healthy,
        long consecutiveFailures,
        Optional<String> lastError,
        Optional<Instant> lastSuccess) {
    public ProbeHealth {
        Name.check("probe", probe);
        lastError = Objects.requireNonNullElse(lastError, Optional.empty());
        lastSuccess = Objects.requireNonNullElse(lastSuccess, Optional.empty());
    }
}
