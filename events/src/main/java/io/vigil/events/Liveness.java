package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a running VM's guest answered when asked; NOT_CHECKED when the config does not ask. */
public enum Liveness implements WireEnum {
    ALIVE("alive"),
    NOT_RESPONDING("not-responding"),
    NOT_CHECKED("not-checked");

    private final String wire;

    Liveness(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Liveness of(String word) {
        return WireEnum.parse(Liveness.class, word);
    }
}
