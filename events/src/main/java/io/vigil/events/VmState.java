package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A VM's state as the hypervisor reports it; MISSING is a configured VM the hypervisor does not know. */
public enum VmState implements WireEnum {
    RUNNING("running"),
    IDLE("idle"),
    PAUSED("paused"),
    IN_SHUTDOWN("in-shutdown"),
    SHUT_OFF("shut-off"),
    CRASHED("crashed"),
    PM_SUSPENDED("pmsuspended"),
    DYING("dying"),
    MISSING("missing");

    private final String wire;

    VmState(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static VmState of(String word) {
        return WireEnum.parse(VmState.class, word);
    }
}
