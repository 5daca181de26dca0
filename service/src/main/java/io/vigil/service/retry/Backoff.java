package io.vigil.service.retry;

import io.vigil.service.config.DurationText;
import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before trying again: {@code first}, doubling at each failure up to
 * {@code max}. One mechanism for the agent restarting a tool that stopped and the notifier trying
 * a receiver again, each with its own figures.
 */
public record Backoff(Duration first, Duration max) {
    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("backoff: the first wait must be longer than 0, not " + first);
        }
        if (first.compareTo(max) > 0) {
            throw new IllegalArgumentException("backoff: the first wait (" + DurationText.format(first)
                    + ") is longer than the longest (" + DurationText.format(max) + ")");
        }
    }

    /** The wait after {@code current}: twice it, at most {@link #max}. */
    public Duration next(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }

    /**
     * The wait before restarting something that ran for {@code ran} after a wait of {@code current}:
     * a run that held as long as the longest wait was a healthy one, so it starts over from
     * {@link #first}; a run that failed sooner keeps backing off.
     */
    public Duration afterTry(Duration current, Duration ran) {
        return ran.compareTo(max) >= 0 ? first : current;
    }
}
