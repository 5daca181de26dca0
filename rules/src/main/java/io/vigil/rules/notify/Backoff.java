package io.vigil.rules.notify;

import java.time.Duration;

/** How long to wait before trying a receiver again: 1 s, doubling to 30 s. */
public final class Backoff {
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(30);

    private Backoff() {
    }

    /** The next wait: twice this one, at most {@link #MAX}. */
    public static Duration doubled(Duration backoff) {
        return backoff.multipliedBy(2).compareTo(MAX) > 0 ? MAX : backoff.multipliedBy(2);
    }
}
