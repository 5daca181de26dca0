package io.vigil.rules.alert;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.EventRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert as the engine keeps it between evaluations, in the words of Prometheus's rules:
 * active since, fired at, resolved at, last sent, and since when it has been kept firing after its
 * condition cleared. {@code version} counts published changes (0: never published).
 * {@code history} holds the last condition results, newest in the lowest bit, for flap detection.
 */
public record TrackedAlert(
        String rule,
        String fingerprint,
        Map<String, String> labels,
        Map<String, String> annotations,
        AlertState state,
        long version,
        Instant activeAt,
        Optional<Instant> firedAt,
        Optional<Instant> resolvedAt,
        Optional<Instant> keepFiringSince,
        Optional<Instant> lastSentAt,
        boolean failover,
        boolean flapping,
        long history,
        int observations,
        List<String> silencedBy,
        List<String> inhibitedBy,
        Optional<EventRef> cause) {
    public TrackedAlert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(fingerprint, "fingerprint");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(activeAt, "activeAt");
        firedAt = Objects.requireNonNullElse(firedAt, Optional.empty());
        resolvedAt = Objects.requireNonNullElse(resolvedAt, Optional.empty());
        keepFiringSince = Objects.requireNonNullElse(keepFiringSince, Optional.empty());
        lastSentAt = Objects.requireNonNullElse(lastSentAt, Optional.empty());
        silencedBy = List.copyOf(silencedBy);
        inhibitedBy = List.copyOf(inhibitedBy);
        cause = Objects.requireNonNullElse(cause, Optional.empty());
    }

    /** A series seen for the first time: inactive, never published. */
    static TrackedAlert fresh(Candidate c, Instant now) {
        return new TrackedAlert(
                c.rule(),
                c.fingerprint(),
                c.labels(),
                c.annotations(),
                AlertState.INACTIVE,
                0,
                now,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                c.failover(),
                false,
                0,
                0,
                List.of(),
                List.of(),
                Optional.empty());
    }

    /**
     * The alert as published at {@code now}: its lease ({@code endsAt}) runs {@code lease} from now
     * while it is pending or firing; a resolved alert ended when it resolved.
     */
    public Alert toWire(AlertChange change, Instant now, Duration lease) {
        Instant endsAt = switch (state) {
            case FIRING, PENDING -> now.plus(lease);
            case RESOLVED -> resolvedAt.orElse(now);
            case INACTIVE -> now;
        };
        return new Alert(
                Alert.VERSION,
                fingerprint,
                rule,
                state,
                Math.max(version, 1),
                change,
                labels,
                annotations,
                activeAt,
                firedAt,
                resolvedAt,
                endsAt,
                now,
                flapping,
                failover,
                silencedBy,
                inhibitedBy,
                cause);
    }

    public boolean suppressed() {
        return !silencedBy.isEmpty() || !inhibitedBy.isEmpty();
    }

    TrackedAlert with(
            AlertState state,
            Instant activeAt,
            Optional<Instant> firedAt,
            Optional<Instant> resolvedAt,
            Optional<Instant> keepFiringSince) {
        return new TrackedAlert(
                rule,
                fingerprint,
                labels,
                annotations,
                state,
                version,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                failover,
                flapping,
                history,
                observations,
                silencedBy,
                inhibitedBy,
                cause);
    }

    TrackedAlert withKeepFiringSince(Optional<Instant> since) {
        return with(state, activeAt, firedAt, resolvedAt, since);
    }

    TrackedAlert withCause(Optional<EventRef> cause) {
        return new TrackedAlert(
                rule,
                fingerprint,
                labels,
                annotations,
                state,
                version,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                failover,
                flapping,
                history,
                observations,
                silencedBy,
                inhibitedBy,
                cause);
    }

    TrackedAlert withAnnotations(Map<String, String> annotations) {
        return new TrackedAlert(
                rule,
                fingerprint,
                labels,
                annotations,
                state,
                version,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                failover,
                flapping,
                history,
                observations,
                silencedBy,
                inhibitedBy,
                cause);
    }

    TrackedAlert withHistory(long history, int observations, boolean flapping) {
        return new TrackedAlert(
                rule,
                fingerprint,
                labels,
                annotations,
                state,
                version,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                failover,
                flapping,
                history,
                observations,
                silencedBy,
                inhibitedBy,
                cause);
    }

    /** The same alert, published now: a new version unless it is a resend. */
    TrackedAlert sent(Instant now, boolean newVersion) {
        return new TrackedAlert(
                rule,
                fingerprint,
                labels,
                annotations,
                state,
                newVersion ? version + 1 : version,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                Optional.of(now),
                failover,
                flapping,
                history,
                observations,
                silencedBy,
                inhibitedBy,
                cause);
    }

    public TrackedAlert withSuppression(List<String> silencedBy, List<String> inhibitedBy) {
        return new TrackedAlert(
                rule,
                fingerprint,
                labels,
                annotations,
                state,
                version,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                failover,
                flapping,
                history,
                observations,
                silencedBy,
                inhibitedBy,
                cause);
    }
}
