package io.vigil.rules.stream;

import io.vigil.events.Topics;
import io.vigil.service.log.LogThrottle;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values in a task's own stores that the engine cannot read (written by a newer engine, or
 * damaged). One costs that value, never its partition: the tables skip it as if it were not there,
 * and once the step is done it goes to {@code vigil.deadletter} (its bytes, keyed by its key, with
 * the store and why), is logged and counted ({@code vigil_engine_dead_letters_total{reason="unreadable-state"}}),
 * and leaves the store. Thrown instead, it failed every tick of the partition that read it, or the
 * task itself when read as the task started, and no alert of its clusters moved any more.
 *
 * <p>Found values wait for {@link #flush}: a value read while a task starts cannot be forwarded
 * yet, and it leaves the store only with its dead letter, in the same transaction.
 */
final class UnreadableValues {
    static final String REASON_PREFIX = "store ";
    private static final Logger log = LoggerFactory.getLogger(UnreadableValues.class);

    private record Found(KeyValueStore<String, byte[]> store, String key, byte[] value, String reason) {}

    private final String sink;
    private final DeadLetters deadLetters;
    private final RefusedSizes refused;
    private final EngineMetrics metrics;
    private final LogThrottle logged = new LogThrottle(Duration.ofMinutes(1));
    private final Map<String, Found> found = new LinkedHashMap<>();

    /** {@code sink}: the name of the dead-letter sink, a child of the processor that flushes. */
    UnreadableValues(String sink, DeadLetters deadLetters, RefusedSizes refused, EngineMetrics metrics) {
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.refused = refused;
        this.metrics = metrics;
    }

    /** {@code value}, at {@code key} of {@code store}, cannot be read, for {@code why}. */
    void found(KeyValueStore<String, byte[]> store, String key, byte[] value, String what, String why) {
        found.computeIfAbsent(
                store.name() + '\u0000' + key,
                k -> new Found(
                        store,
                        key,
                        value,
                        REASON_PREFIX + store.name() + " holds an unreadable " + what + " at "
                                + key.replace('\u001f', '/') + ": " + why + " (was it written by a newer engine?)"));
    }

    /** What was found goes to the dead letters and leaves its store; from a process or punctuation, where records may be forwarded. */
    void flush(ProcessorContext<Object, Object> context, long now) {
        if (found.isEmpty()) {
            return;
        }
        int partition = context.taskId().partition();
        for (Found f : found.values()) {
            metrics.deadLettered(f.reason());
            // only what is still there: a step may have written a good value over it since
            if (Arrays.equals(f.store().get(f.key()), f.value())) {
                f.store().delete(f.key());
            }
            int limit = Math.min(
                    deadLetters.maxBytes(), refused.limit(Topics.DEADLETTER).orElse(Integer.MAX_VALUE));
            boolean sent = limit >= DeadLetters.MIN_BYTES;
            if (sent) {
                context.forward(
                        deadLetters.ofStoreValue(
                                f.store().name(), f.key(), f.value(), f.reason(), partition, now, limit),
                        sink);
            } else {
                metrics.recordDropped(Topics.DEADLETTER);
            }
            logged.admit(now)
                    .ifPresent(held -> log.error(
                            "task {}: {}; the value is taken out of the store{} and the task goes on"
                                    + " ({} more since the last such line; logged once a minute, vigil_engine_dead_letters_total{reason=\"unreadable-state\"}"
                                    + " counts them all)",
                            context.taskId(),
                            f.reason(),
                            sent
                                    ? " and its bytes are in " + Topics.DEADLETTER
                                    : " (" + Topics.DEADLETTER + " refuses records: its bytes are lost)",
                            held));
        }
        found.clear();
    }
}
