package io.vigil.collectors.executor;

/** An action that will not be run, and why; it becomes a REFUSED result with the message as output. */
public final class ActionRefused extends Exception {
    private final RefusalReason reason;

    public ActionRefused(RefusalReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RefusalReason reason() {
        return reason;
    }
}
