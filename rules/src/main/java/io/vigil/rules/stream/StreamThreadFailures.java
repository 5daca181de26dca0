package io.vigil.rules.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Decides what follows a stream thread's death. A thread that died of a fault of its own (a
 * record it could not handle) is replaced, and its tasks resume from their stores. But a thread
 * that keeps dying is the same fault met again and again: replacing it for ever leaves a process
 * that looks up and evaluates nothing. After {@link #MAX_FAILURES} deaths within
 * {@link #WINDOW}, or at once for an {@link Error} (out of memory: the JVM itself is no longer
 * sound), the engine is shut down instead (a death for an alert or a dead letter Kafka refused
 * does not count: the next thread makes a smaller one or none, see {@link RefusedSizes}), so that its supervisor restarts it and the failure is
 * seen.
 */
final class StreamThreadFailures {
    static final int MAX_FAILURES = 3;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final LongSupplier nanoClock;
    private final BooleanSupplier refusalAvoided;
    private final Deque<Long> recent = new ArrayDeque<>();

    /**
     * {@code refusalAvoided}: whether Kafka refused a record, since it was last asked, that the next
     * thread makes smaller or leaves out (a dead letter, an alert too large).
     */
    StreamThreadFailures(LongSupplier nanoClock, BooleanSupplier refusalAvoided) {
        this.nanoClock = nanoClock;
        this.refusalAvoided = refusalAvoided;
    }

    synchronized StreamThreadExceptionResponse onDeath(Throwable cause) {
        if (isFatal(cause)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        if (refusalAvoided.getAsBoolean()) {
            // not the same fault again: the refusal taught RefusedSizes to make that record smaller or leave it out, so
            // it ends by itself (a changelog record refused is the same fault every time, and counts)
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        long now = nanoClock.getAsLong();
        recent.addLast(now);
        while (now - recent.peekFirst() > WINDOW.toNanos()) {
            recent.removeFirst();
        }
        return recent.size() >= MAX_FAILURES
                ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT
                : StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Kafka Streams wraps what a thread threw; an Error anywhere in the chain is fatal. */
    static boolean isFatal(Throwable cause) {
        return has(cause, Error.class);
    }

    private static boolean has(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
