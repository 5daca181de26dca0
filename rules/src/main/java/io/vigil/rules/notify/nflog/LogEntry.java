package io.vigil.rules.notify.nflog;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** One notification as the log keeps it: the fingerprints it carried, firing and resolved, and when it was sent. */
public record LogEntry(Set<String> firing, Set<String> resolved, Instant sentAt) {
    public LogEntry {
        firing = Set.copyOf(firing);
        resolved = Set.copyOf(resolved);
        Objects.requireNonNull(sentAt, "sentAt");
    }

    /**
     * Whether a group with these alerts must be notified now, as Alertmanager decides it: never
     * notified and something fires; an alert fires that was not told; everything that was firing
     * has resolved; an alert resolved that was not told (when the receiver hears of resolves); or
     * nothing changed but {@code repeat} has passed while something fires.
     */
    public static boolean needsUpdate(
            java.util.Optional<LogEntry> last,
            Set<String> firing,
            Set<String> resolved,
            boolean sendResolved,
            Duration repeat,
            Instant now) {
        if (last.isEmpty()) {
            return !firing.isEmpty();
        }
        LogEntry entry = last.get();
        if (!entry.firing().containsAll(firing)) {
            return true;
        }
        if (!entry.firing().isEmpty() && firing.isEmpty()) {
            return true;
        }
        if (sendResolved && !entry.resolved().containsAll(resolved)) {
            return true;
        }
        return !firing.isEmpty() && !entry.sentAt().plus(repeat).isAfter(now);
    }
}
