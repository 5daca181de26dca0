package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an entry of the audit trail records. */
public enum AuditKind implements WireEnum {
    /** The saga chose a way or a phase, with the facts it rested on. */
    DECISION("decision"),
    /** A safety rule, the flap guard or the mode held a step back. */
    REFUSAL("refusal"),
    /** An action was sent (or, in dry-run, would have been). */
    ACTION("action"),
    /** An executor's result came back. */
    RESULT("result"),
    /** A human was paged. */
    PAGE("page"),
    /** A human's command: approve, failback. */
    COMMAND("command");

    private final String wire;

    AuditKind(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AuditKind of(String word) {
        return WireEnum.parse(AuditKind.class, word);
    }
}
