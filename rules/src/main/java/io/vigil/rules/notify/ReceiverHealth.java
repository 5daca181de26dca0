package io.vigil.rules.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether each receiver delivers: since when it has failed, and its last error. A receiver that
 * has failed for {@code failingAfter} is one the notifier must warn about through the others.
 */
final class ReceiverHealth {
    record Failing(Instant since, String lastError) {}

    private final Duration failingAfter;
    /** Concurrent: the metrics scrape reads it while the notifier's thread writes it. */
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    private final Map<String, Instant> lastDelivered = new ConcurrentHashMap<>();

    ReceiverHealth(Duration failingAfter) {
        this.failingAfter = failingAfter;
    }

    void delivered(String receiver, Instant at) {
        failing.remove(receiver);
        lastDelivered.put(receiver, at);
    }

    /** Whether the receiver delivered after {@code since}: what shows it works again, not merely that nothing failed yet. */
    boolean deliveredAfter(String receiver, Instant since) {
        Instant at = lastDelivered.get(receiver);
        return at != null && at.isAfter(since);
    }

    void failed(String receiver, String error, Instant now) {
        failing.merge(receiver, new Failing(now, error), (old, fresh) -> new Failing(old.since(), error));
    }

    boolean up(String receiver) {
        return !failing.containsKey(receiver);
    }

    /** The receiver's failure when it has lasted long enough to raise an alert. */
    Optional<Failing> longFailing(String receiver, Instant now) {
        Failing f = failing.get(receiver);
        return f != null && !f.since().plus(failingAfter).isAfter(now) ? Optional.of(f) : Optional.empty();
    }
}
