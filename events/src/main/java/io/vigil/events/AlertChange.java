package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why an alert record was published: its state changed; its lease was renewed while it fires
 * (nothing else changed); a silence or inhibition began or ended; it began or stopped flapping.
 * Only {@code state}, {@code suppression} and {@code flapping} records carry a new {@code version}.
 */
public enum AlertChange implements WireEnum {
    STATE("state"),
    RESEND("resend"),
    SUPPRESSION("suppression"),
    FLAPPING("flapping");

    private final String wire;

    AlertChange(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AlertChange of(String word) {
        return WireEnum.parse(AlertChange.class, word);
    }
}
