package io.vigil.rules.notify.alertmanager;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.Outbox;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.dispatch.RecordPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one Alertmanager is still to hear, pushed the way Prometheus pushes: every change at once,
 * in one batch for whatever piled up while the last push was out, the newest state of each alert
 * only; a push that fails is tried again with backoff (1 s doubling to 30 s) together with
 * whatever came since. Resolved alerts are pushed again every minute for
 * {@code resolved_resend_for}, as Prometheus does, so an Alertmanager that restarted hears them.
 * Single-threaded: the notifier's loop is its only caller.
 */
final class AlertmanagerOutbox implements Outbox {
    static final Duration RESEND_RESOLVED_EVERY = Duration.ofMinutes(1);

    private final String receiver;
    private final Duration resolvedResendFor;
    private final Map<String, Entry> waiting = new LinkedHashMap<>();
    private final Map<String, Resend> resends = new LinkedHashMap<>();
    private boolean inFlight;
    private Instant nextAttempt = Instant.EPOCH;
    private Duration backoff = Receiver.RETRY.first();

    private record Resend(Alert alert, Instant until, Instant next) {}

    AlertmanagerOutbox(String receiver, Duration resolvedResendFor) {
        this.receiver = receiver;
        this.resolvedResendFor = resolvedResendFor;
    }

    /** Firing alerts that are not muted, and resolved ones: a muted alert lapses in Alertmanager at its endsAt. */
    @Override
    public boolean takes(Alert alert) {
        return (alert.state() == AlertState.FIRING && !alert.suppressed()) || alert.state() == AlertState.RESOLVED;
    }

    /**
     * Takes a firing or resolved alert to push, and the record it came in (none for the notifier's
     * own alerts); the record of an older state of it still waiting is returned, done with: this
     * one carries its news.
     */
    @Override
    public Optional<RecordPosition> offer(Alert alert, Optional<RecordPosition> position, Instant now) {
        if (alert.state() == AlertState.RESOLVED) {
            resends.put(
                    alert.fingerprint(),
                    new Resend(alert, now.plus(resolvedResendFor), now.plus(RESEND_RESOLVED_EVERY)));
        } else {
            resends.remove(alert.fingerprint());
        }
        Entry older = waiting.put(alert.fingerprint(), new Entry(alert, position));
        return older == null ? Optional.empty() : older.position();
    }

    /** The push to make now, if any: none while one is out or while backing off. */
    @Override
    public Optional<Batch> due(Instant now) {
        if (inFlight || now.isBefore(nextAttempt)) {
            return Optional.empty();
        }
        resends.values().removeIf(r -> !r.until().isAfter(now));
        resends.replaceAll((fp, r) -> {
            if (r.next().isAfter(now)) {
                return r;
            }
            waiting.putIfAbsent(fp, new Entry(r.alert(), Optional.empty()));
            return new Resend(r.alert(), r.until(), now.plus(RESEND_RESOLVED_EVERY));
        });
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        Batch batch = new Batch(receiver, List.copyOf(waiting.values()));
        waiting.clear();
        inFlight = true;
        return Optional.of(batch);
    }

    /**
     * A push ended; returns the records done with. Delivered, or refused for good (Alertmanager
     * answered 400: the same push would be refused again): all of them. To be retried: the alerts
     * go back in line unless a newer state of them came meanwhile, whose record then carries
     * their news.
     */
    @Override
    public Set<RecordPosition> done(Batch batch, Outcome outcome, Instant now) {
        inFlight = false;
        if (!(outcome instanceof Outcome.Retry)) {
            backoff = Receiver.RETRY.first();
            nextAttempt = Instant.EPOCH;
            return batch.records();
        }
        nextAttempt = now.plus(backoff);
        backoff = Receiver.RETRY.next(backoff);
        Set<RecordPosition> superseded = new HashSet<>();
        for (Entry e : batch.entries()) {
            if (waiting.containsKey(e.alert().fingerprint())) {
                e.position().ifPresent(superseded::add);
            } else {
                waiting.put(e.alert().fingerprint(), e);
            }
        }
        return superseded;
    }
}
