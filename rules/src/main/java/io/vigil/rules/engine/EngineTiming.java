package io.vigil.rules.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's clocks. {@code evaluationInterval}: how often time-driven changes are looked for
 * (pending alerts whose {@code for} is up, silences, resends). {@code resendInterval}: how often a
 * firing alert is published again; {@code lease} how long each publication holds (a reader that
 * hears nothing more may let it expire then). {@code absenceGrace}: after this instance takes
 * over a cluster, how long before silence counts, so a restored instance does not declare
 * everyone dead. {@code forgetAfter}: a node not expected by the config, or a resource, that
 * sends nothing this long is gone for good and its state is dropped. {@code resolvedRetention}:
 * how long a resolved alert stays listed.
 */
public record EngineTiming(
        Duration evaluationInterval,
        Duration resendInterval,
        Duration lease,
        Duration absenceGrace,
        Duration forgetAfter,
        Duration resolvedRetention) {
    public static final EngineTiming DEFAULTS = new EngineTiming(
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofMinutes(4),
            Duration.ofSeconds(10),
            Duration.ofDays(7),
            Duration.ofMinutes(15));

    public EngineTiming {
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        Objects.requireNonNull(resendInterval, "resendInterval");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(absenceGrace, "absenceGrace");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        Objects.requireNonNull(resolvedRetention, "resolvedRetention");
        if (lease.compareTo(resendInterval) <= 0) {
            throw new IllegalArgumentException("lease (" + lease + ") must be longer than the resend interval ("
                    + resendInterval + "), or alerts expire between resends");
        }
    }
}
