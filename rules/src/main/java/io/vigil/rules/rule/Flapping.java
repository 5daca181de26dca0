package io.vigil.rules.rule;

/**
 * Flap detection, as Nagios does it: over the last {@code window} evaluations of an alert's
 * condition, the share that changed from the one before. Above {@code high} the alert is marked
 * flapping and stops paging on every change; below {@code low} it is trusted again.
 */
public record Flapping(int window, double low, double high) {
    public static final int MAX_WINDOW = 64;

    public Flapping {
        if (window < 3 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("window: must be 3 to " + MAX_WINDOW + " evaluations, was " + window);
        }
        if (!(low > 0 && low < high && high <= 1)) {
            throw new IllegalArgumentException(
                    "low and high: need 0 < low < high <= 1 (shares of changes), were " + low + " and " + high);
        }
    }
}
