package io.vigil.rules.failover;

import io.vigil.events.Action;
import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import java.util.List;

/** What the failover emits after one input: actions to the executors, audit entries, pages (alerts). Committed together. */
public record FailoverOutput(List<Action> actions, List<AuditEntry> audit, List<Alert> pages) {
    public static final FailoverOutput NONE = new FailoverOutput(List.of(), List.of(), List.of());

    public FailoverOutput {
        actions = List.copyOf(actions);
        audit = List.copyOf(audit);
        pages = List.copyOf(pages);
    }

    public boolean isEmpty() {
        return actions.isEmpty() && audit.isEmpty() && pages.isEmpty();
    }
}
