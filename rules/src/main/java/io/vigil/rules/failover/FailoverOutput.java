package io.vigil.rules.failover;

import io.vigil.events.Action;
import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import java.util.List;

/**
 * What the failover emits after one input: actions to the executors, audit entries, pages
 * (alerts), committed together; and the sagas it changed, before and after, for its metrics.
 */
public record FailoverOutput(
        List<Action> actions, List<AuditEntry> audit, List<Alert> pages, List<SagaChange> changes) {
    public static final FailoverOutput NONE = new FailoverOutput(List.of(), List.of(), List.of(), List.of());

    public FailoverOutput {
        actions = List.copyOf(actions);
        audit = List.copyOf(audit);
        pages = List.copyOf(pages);
        changes = List.copyOf(changes);
    }

    public FailoverOutput(List<Action> actions, List<AuditEntry> audit, List<Alert> pages) {
        this(actions, audit, pages, List.of());
    }

    public boolean isEmpty() {
        return actions.isEmpty() && audit.isEmpty() && pages.isEmpty();
    }
}
