package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.dispatch.RecordPosition;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a receiver that takes every change at once is still to hear (see
 * {@link ReceiverSpec#outbox}): it is offered each change as it is read, says when a push is due,
 * and learns how each push went. Single-threaded: the notifier's loop is its only caller.
 */
public interface Outbox {
    /** Whether it takes this alert at all (a muted one, say, may be left to lapse). */
    boolean takes(Alert alert);

    /**
     * Takes an alert to push, and the record it came in (none for the notifier's own alerts); the
     * record of an older state of it still waiting is returned, done with: this one carries its news.
     */
    Optional<RecordPosition> offer(Alert alert, Optional<RecordPosition> position, Instant now);

    /** The push to make now, if any. */
    Optional<Batch> due(Instant now);

    /** A push ended; returns the records done with. */
    Set<RecordPosition> done(Batch batch, Outcome outcome, Instant now);

    /** An alert to push and the record it came in (none for a resend). */
    record Entry(Alert alert, Optional<RecordPosition> position) {}

    /** One push: the alerts it carries and the records it settles once delivered. */
    record Batch(String receiver, List<Entry> entries) {
        public Batch {
            entries = List.copyOf(entries);
        }

        public List<Alert> alerts() {
            return entries.stream().map(Entry::alert).toList();
        }

        public Set<RecordPosition> records() {
            Set<RecordPosition> records = new HashSet<>();
            entries.forEach(e -> e.position().ifPresent(records::add));
            return records;
        }

        /** The alerts that came in a record: what counts towards alert-to-delivery time, not resends. */
        public List<Alert> news() {
            return entries.stream()
                    .filter(e -> e.position().isPresent())
                    .map(Entry::alert)
                    .toList();
        }

        /** The push as a notification: no group, every alert in its newest state. */
        public Notification notification(String externalUrl) {
            List<Alert> all = alerts();
            return new Notification(
                    receiver,
                    "every-change",
                    Map.of(),
                    all.stream().filter(a -> a.state() == AlertState.FIRING).toList(),
                    all.stream().filter(a -> a.state() == AlertState.RESOLVED).toList(),
                    externalUrl);
        }
    }
}
