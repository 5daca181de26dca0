package io.vigil.service.log;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Lets a line that can repeat thousands of times a second (a dead letter, an engine error) reach
 * the log once per interval, and says how many it held back meanwhile; the metrics count them all.
 * The first one always passes. Not thread-safe: each user keeps its own (the engine's processor and
 * evaluator per stream task, the agent's executor on its one thread).
 */
public final class LogThrottle {
    private final long intervalMillis;
    private boolean any;
    private long passedAt;
    private long heldBack;

    public LogThrottle(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /** Empty when this occurrence is held back; otherwise how many were held back since the last one passed. */
    public OptionalLong admit(long nowMillis) {
        // compared as a difference of two real times: no sentinel that could overflow
        if (any && nowMillis - passedAt < intervalMillis && nowMillis >= passedAt) {
            heldBack++;
            return OptionalLong.empty();
        }
        any = true;
        passedAt = nowMillis;
        long held = heldBack;
        heldBack = 0;
        return OptionalLong.of(held);
    }
}
