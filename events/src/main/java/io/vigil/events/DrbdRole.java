package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A DRBD resource's role on a node (drbdsetup's words). */
public enum DrbdRole implements WireEnum {
    PRIMARY("Primary"),
    SECONDARY("Secondary"),
    UNKNOWN("Unknown");

    private final String wire;

    DrbdRole(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static DrbdRole of(String word) {
        return WireEnum.parse(DrbdRole.class, word);
    }
}
