package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a label matcher compares, in Alertmanager's notation. Regular expressions match the whole value. */
public enum MatchOp implements WireEnum {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String wire;

    MatchOp(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static MatchOp of(String word) {
        return WireEnum.parse(MatchOp.class, word);
    }

    public boolean isRegex() {
        return this == REGEX || this == NOT_REGEX;
    }
}
