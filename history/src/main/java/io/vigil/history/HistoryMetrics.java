package io.vigil.history;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's metrics: rows written per table, unreadable records skipped, how long a batch's
 * commit takes, and how many records each partition's sink is behind the newest.
 */
public final class HistoryMetrics {
    private final MeterRegistry registry;
    private final Map<HistoryTable, Counter> rows = new EnumMap<>(HistoryTable.class);
    private final Counter episodes;
    private final Counter unreadable;
    private final Timer commit;
    private final Map<Partition, AtomicLong> lag = new ConcurrentHashMap<>();

    public HistoryMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (HistoryTable table : HistoryTable.values()) {
            rows.put(table, rowsWritten(table.table()));
        }
        episodes = rowsWritten("resync_episodes");
        unreadable = Counter.builder("vigil_history_unreadable_records")
                .description(
                        "records the history sink could not decode, skipped (logged with topic, partition and offset)")
                .register(registry);
        commit = Timer.builder("vigil_history_batch_commit")
                .description("time to store one batch of records in the history, in one transaction")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    private Counter rowsWritten(String table) {
        return Counter.builder("vigil_history_rows_written")
                .tag("table", table)
                .description("rows the history sink committed, per table (resync_episodes: episodes begun or moved)")
                .register(registry);
    }

    void written(HistoryBatch batch) {
        rows.forEach((table, counter) -> counter.increment(batch.rowCount(table)));
        episodes.increment(batch.episodes().size());
    }

    void unreadable() {
        unreadable.increment();
    }

    Timer commit() {
        return commit;
    }

    /** Records behind the newest of each partition this sink reads; partitions it no longer reads are removed. */
    void lag(Map<Partition, Long> behind) {
        behind.forEach((p, records) -> lag.computeIfAbsent(p, key -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder("vigil_history_lag_records", value, AtomicLong::get)
                            .description("records of the partition not yet stored in the history")
                            .tags(Tags.of("topic", key.topic(), "partition", Integer.toString(key.partition())))
                            .register(registry);
                    return value;
                })
                .set(records));
        Set<Partition> gone = Set.copyOf(lag.keySet());
        for (Partition p : gone) {
            if (!behind.containsKey(p)) {
                lag.remove(p);
                registry.find("vigil_history_lag_records")
                        .tags("topic", p.topic(), "partition", Integer.toString(p.partition()))
                        .meters()
                        .forEach(registry::remove);
            }
        }
    }
}
