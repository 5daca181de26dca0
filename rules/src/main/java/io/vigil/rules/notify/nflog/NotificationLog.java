package io.vigil.rules.notify.nflog;

import java.util.Optional;

/**
 * What was last notified to each receiver for each group: the firing and resolved alerts it was
 * told of, and when. Read before every notification, written after every delivered one, so that a
 * restarted notifier, or the one that takes over, tells nobody the same thing twice.
 */
public interface NotificationLog {
    Optional<LogEntry> get(String receiver, String groupKey);

    void record(String receiver, String groupKey, LogEntry entry);
}
