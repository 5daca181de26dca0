package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an action ended on the executor. */
public enum ActionOutcome implements WireEnum {
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    REFUSED("refused"),
    TIMED_OUT("timed-out");

    private final String wire;

    ActionOutcome(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ActionOutcome of(String word) {
        return WireEnum.parse(ActionOutcome.class, word);
    }
}
