package io.vigil.rules.rule;

import io.vigil.events.WireEnum;
import java.util.Locale;

/** How urgent a rule's alert is; it becomes the alert's {@code severity} label, which routes and inhibitions match on. */
public enum Severity implements WireEnum {
    CRITICAL,
    WARNING,
    INFO;

    @Override
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
