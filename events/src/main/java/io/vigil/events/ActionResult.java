package io.vigil.events;

import java.util.Objects;
import java.util.Optional;

/** How an action ended on the executor that ran it; {@code output} is capped by the executor. */
public record ActionResult(
        String actionId, ActionOutcome outcome, Optional<Integer> exitCode, String output, double durationSeconds)
        implements Body {
    public ActionResult {
        Name.check("actionId", actionId);
        Objects.requireNonNull(outcome, "outcome");
        exitCode = Objects.requireNonNullElse(exitCode, Optional.empty());
        Objects.requireNonNull(output, "output");
    }

    /** The host the action ended on: an action's own id is the action topic's key, not a thing alerts or metrics name. */
    @Override
    public Subject subject() {
        return new Subject.Host();
    }

    @Override
    public EventKind kind() {
        return EventKind.ACTION_RESULT;
    }
}
