package io.vigil.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A silence, as stored on {@link Topics#SILENCES} (key: its id; compacted, so every engine instance
 * reads all of them): alerts whose labels match every matcher are muted from {@code startsAt} to
 * {@code endsAt}, or, for a maintenance window, only while its {@code recurrence} says so within
 * that span. Expiring a silence rewrites it with {@code endsAt} set to the moment it was expired.
 */
public record Silence(
        String id,
        List<LabelMatcher> matchers,
        Instant startsAt,
        Instant endsAt,
        String createdBy,
        String comment,
        Optional<Recurrence> recurrence,
        Instant updatedAt) {
    public Silence {
        Name.check("id", id);
        matchers = List.copyOf(matchers);
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException(
                    "matchers: at least one is needed (a silence of everything is not allowed)");
        }
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        if (endsAt.isBefore(startsAt)) {
            throw new IllegalArgumentException("endsAt: " + endsAt + " is before startsAt " + startsAt);
        }
        if (createdBy == null || createdBy.isBlank()) {
            throw new IllegalArgumentException("createdBy: say who silences (a name or e-mail address)");
        }
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("comment: say why (a ticket, the work being done)");
        }
        recurrence = Objects.requireNonNullElse(recurrence, Optional.empty());
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(endsAt);
    }
}
