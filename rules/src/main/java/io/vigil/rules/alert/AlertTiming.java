package io.vigil.rules.alert;

import io.vigil.rules.rule.Flapping;
import io.vigil.rules.rule.Rule;
import java.time.Duration;
import java.util.Optional;

/** The times a rule's alerts keep: how long the condition must hold, how long to keep firing, flap detection. */
public record AlertTiming(Duration forDuration, Duration keepFiringFor, Optional<Flapping> flapping) {
    public static AlertTiming of(Rule rule) {
        return new AlertTiming(rule.forDuration(), rule.keepFiringFor(), rule.flapping());
    }
}
