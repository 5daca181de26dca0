package io.vigil.rules.notify.dispatch;

import io.vigil.events.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A group's turn to be notified: its receiver, its key and group labels, and the alerts it holds
 * now. {@code records} are the positions on vigil.alerts of what the group took in since its last
 * notification, settled (and committable) when this one is delivered.
 */
public record Flush(
        String receiver, GroupKey key, List<Alert> alerts, Set<RecordPosition> records, Duration repeatInterval) {
    public Flush {
        alerts = List.copyOf(alerts);
        records = Set.copyOf(records);
    }
}
