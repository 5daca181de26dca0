package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.dispatch.Flush;
import io.vigil.rules.notify.nflog.LogEntry;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a group's turn tells its receiver, as Alertmanager's dedup stage decides it from the
 * notification log: only what the receiver has not been told yet, muted alerts left out. A muted
 * alert the receiver was told fires still counts as told, so that it neither looks resolved now
 * nor new when it is unmuted.
 */
final class DedupStage {
    private DedupStage() {}

    /** What comes of a group's turn. */
    sealed interface Decision {
        /** Nothing new: the log stays as it is. */
        record Nothing() implements Decision {}

        /** Nothing to send, but the log learns the group's state (all resolved, for a receiver not told of resolves). */
        record LogOnly(LogEntry entry) implements Decision {}

        /**
         * Send {@code notification}; once delivered, the log holds {@code firing} and
         * {@code resolved}. {@code news}: the alerts it tells the receiver for the first time.
         */
        record Send(Notification notification, Set<String> firing, Set<String> resolved, List<Alert> news)
                implements Decision {}
    }

    static Decision decide(Flush flush, Optional<LogEntry> last, ReceiverSpec spec, String externalUrl, Instant now) {
        Set<String> toldFiring = last.map(LogEntry::firing).orElse(Set.of());
        Set<String> toldResolved = last.map(LogEntry::resolved).orElse(Set.of());
        List<Alert> firing = flush.alerts().stream()
                .filter(a -> a.state() == AlertState.FIRING && !a.suppressed())
                .toList();
        Set<String> firingKeys = fingerprints(firing);
        flush.alerts().stream()
                .filter(a -> a.state() == AlertState.FIRING && a.suppressed() && toldFiring.contains(a.fingerprint()))
                .forEach(a -> firingKeys.add(a.fingerprint()));
        List<Alert> resolved = flush.alerts().stream()
                .filter(a -> a.state() == AlertState.RESOLVED
                        && (toldFiring.contains(a.fingerprint()) || toldResolved.contains(a.fingerprint())))
                .toList();
        Set<String> resolvedKeys = fingerprints(resolved);
        if (!LogEntry.needsUpdate(last, firingKeys, resolvedKeys, spec.sendResolved(), flush.repeatInterval(), now)) {
            return new Decision.Nothing();
        }
        Notification n = new Notification(
                spec.name(),
                flush.key().toString(),
                flush.key().labels(),
                firing,
                spec.sendResolved() ? resolved : List.of(),
                externalUrl);
        if (n.firing().isEmpty() && n.resolved().isEmpty()) {
            // all resolved, and this receiver is not told of resolves: the log still learns it, so
            // that the next time they fire is news; all that fires muted: nothing at all
            return firingKeys.isEmpty()
                    ? new Decision.LogOnly(new LogEntry(firingKeys, resolvedKeys, now))
                    : new Decision.Nothing();
        }
        List<Alert> news = n.all().stream()
                .filter(a -> a.state() == AlertState.FIRING
                        ? !toldFiring.contains(a.fingerprint())
                        : !toldResolved.contains(a.fingerprint()))
                .toList();
        return new Decision.Send(n, firingKeys, resolvedKeys, news);
    }

    private static Set<String> fingerprints(List<Alert> alerts) {
        return alerts.stream().map(Alert::fingerprint).collect(Collectors.toCollection(HashSet::new));
    }
}
