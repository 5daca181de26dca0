package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an alert is in its life, in Prometheus's words: its condition holds but not yet for long
 * enough (pending), it holds and has been announced (firing), it held and no longer does
 * (resolved). Inactive is published once, when a pending alert's condition clears before it fired.
 */
public enum AlertState implements WireEnum {
    INACTIVE("inactive"),
    PENDING("pending"),
    FIRING("firing"),
    RESOLVED("resolved");

    private final String wire;

    AlertState(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AlertState of(String word) {
        return WireEnum.parse(AlertState.class, word);
    }
}
