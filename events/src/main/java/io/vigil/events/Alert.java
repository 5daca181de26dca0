package io.vigil.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert as the engine publishes it on {@link Topics#ALERTS} (key: the fingerprint): the whole
 * alert after a change, so the newest record of a key is the alert's present state and the topic
 * can be compacted.
 *
 * <p>{@code version} grows by one with every change of state, suppression or flapping, and stays
 * as it was on a {@code resend}; a reader that sees a version twice has seen a resend, and one that
 * sees a gap has missed a change. {@code endsAt} is the lease: while firing, the time after which a
 * reader that heard nothing more may consider the alert over (renewed by each resend, as
 * Alertmanager's {@code endsAt}); once resolved, the time it ended. {@code cause} is the
 * telemetry event that brought the latest state change, when an event did (not a timer).
 */
public record Alert(
        int v,
        String fingerprint,
        String rule,
        AlertState state,
        long version,
        AlertChange change,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant activeAt,
        Optional<Instant> firedAt,
        Optional<Instant> resolvedAt,
        Instant endsAt,
        Instant sentAt,
        boolean flapping,
        boolean failover,
        List<String> silencedBy,
        List<String> inhibitedBy,
        Optional<EventRef> cause) {
    public static final int VERSION = 1;

    public Alert {
        if (v != VERSION) {
            throw new IllegalArgumentException(
                    "v: version " + v + " is not supported (this build reads " + VERSION + ")");
        }
        labels = AlertLabels.checked("labels", labels);
        if (!AlertLabels.fingerprint(labels).equals(fingerprint)) {
            throw new IllegalArgumentException("fingerprint: '" + Name.printable(String.valueOf(fingerprint))
                    + "' is not the fingerprint of the labels (" + AlertLabels.fingerprint(labels) + ")");
        }
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(change, "change");
        if (version < 1) {
            throw new IllegalArgumentException("version: must be 1 or more, was " + version);
        }
        annotations = AlertLabels.checked("annotations", annotations);
        Objects.requireNonNull(activeAt, "activeAt");
        firedAt = Objects.requireNonNullElse(firedAt, Optional.empty());
        resolvedAt = Objects.requireNonNullElse(resolvedAt, Optional.empty());
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(sentAt, "sentAt");
        silencedBy = List.copyOf(silencedBy);
        inhibitedBy = List.copyOf(inhibitedBy);
        cause = Objects.requireNonNullElse(cause, Optional.empty());
    }

    /** Silenced or inhibited: the alert stands, but nobody should be paged for it now. */
    public boolean suppressed() {
        return !silencedBy.isEmpty() || !inhibitedBy.isEmpty();
    }

    public Optional<String> label(String name) {
        return Optional.ofNullable(labels.get(name));
    }
}
