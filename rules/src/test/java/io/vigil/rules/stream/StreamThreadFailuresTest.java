package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
    private final AtomicLong nanos = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean shrinks =
            new java.util.concurrent.atomic.AtomicBoolean(false);
    private final StreamThreadFailures failures = new StreamThreadFailures(nanos::get, shrinks::get);

    private static StreamsException bug() {
        return new StreamsException("Exception caught in process", new IllegalStateException("a bug"));
    }

    @Test
    void aThreadThatDiedIsReplacedUntilItDiesThreeTimesInTenMinutes() {
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onDeath(bug()));
        nanos.addAndGet(60_000_000_000L);
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onDeath(bug()));
        nanos.addAndGet(60_000_000_000L);
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.onDeath(bug()));
    }

    @Test
    void deathsOlderThanTheWindowAreForgotten() {
        failures.onDeath(bug());
        failures.onDeath(bug());
        nanos.addAndGet(StreamThreadFailures.WINDOW.toNanos() + 1);
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onDeath(bug()));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onDeath(bug()));
    }

    @Test
    void anErrorAnywhereInTheChainStopsTheEngineAtOnce() {
        assertEquals(
                StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                failures.onDeath(new StreamsException("failed", new OutOfMemoryError("Java heap space"))));
    }

    @Test
    void aChangelogRecordRefusedForItsSizeIsTheSameFaultEveryTimeAndCounts() {
        shrinks.set(false);
        failures.onDeath(new StreamsException("commit failed", new RecordTooLargeException("too large")));
        failures.onDeath(new StreamsException("commit failed", new RecordTooLargeException("too large")));
        assertEquals(
                StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                failures.onDeath(new StreamsException("commit failed", new RecordTooLargeException("too large"))));
    }

    @Test
    void aRecordRefusedForItsSizeDoesNotCountTowardsTheStop() {
        shrinks.set(true);
        for (int i = 0; i < 10; i++) {
            assertEquals(
                    StreamThreadExceptionResponse.REPLACE_THREAD,
                    failures.onDeath(new StreamsException("send failed", new RecordTooLargeException("too large"))));
        }
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onDeath(bug()));
    }

    @Test
    void aRefusedDeadLetterExcusesTheOneDeathItCausesNotTheNext() {
        RefusedSizes refused = new RefusedSizes();
        StreamThreadFailures failures = new StreamThreadFailures(nanos::get, refused::takeAvoidedRefusal);
        failures.onDeath(bug());
        failures.onDeath(bug());
        refused.refusedDeadLetter();
        assertEquals(
                java.util.OptionalInt.of(0),
                refused.limit(io.vigil.events.Topics.DEADLETTER),
                "no dead letter is sent any more");
        assertEquals(
                StreamThreadExceptionResponse.REPLACE_THREAD,
                failures.onDeath(new StreamsException(
                        "commit failed",
                        new org.apache.kafka.common.InvalidRecordException(
                                "Compacted topic cannot accept message without key"))));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.onDeath(bug()));
    }
}
