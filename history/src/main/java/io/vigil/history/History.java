package io.vigil.history;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.service.config.DurationText;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history running beside an engine: its store, the sink, and the consumer that feeds it (and
 * runs rollups and retention between batches). Closing stops the consumer after the batch under
 * way is stored, then closes the store.
 */
public final class History implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(History.class);

    private final HistoryStore store;
    private final HistoryConsumer consumer;
    private final HistoryConfig.Retention retention;

    private History(HistoryStore store, HistoryConsumer consumer, HistoryConfig.Retention retention) {
        this.store = store;
        this.consumer = consumer;
        this.retention = retention;
    }

    /**
     * Opens the store and starts reading Kafka ({@code kafka}: client properties with
     * bootstrap.servers). Throws IllegalStateException, saying what to do, when the store cannot be opened.
     */
    public static History start(HistoryConfig config, Map<String, Object> kafka, MeterRegistry registry) {
        HistoryStore store = HistoryStore.open(config.store());
        try {
            HistoryMetrics metrics = new HistoryMetrics(registry);
            HistorySink sink = HistorySink.open(store, metrics);
            HistoryConsumer consumer = HistoryConsumer.start(
                    kafka, config.consumerGroup(), sink, metrics, new HistoryRetention(store, config.retention()));
            log.info(
                    "history: storing {} in {} (consumer group {}, raw kept {}, one-minute rollups {}, hourly {})",
                    String.join(", ", HistoryConsumer.TOPICS),
                    store.describe(),
                    config.consumerGroup(),
                    DurationText.format(config.retention().raw()),
                    DurationText.format(config.retention().minute()),
                    DurationText.format(config.retention().hourly()));
            return new History(store, consumer, config.retention());
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw new IllegalStateException("history in " + store.describe() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A connection for one question (see {@link HistoryStore#reader()}): the queries' {@code HistoryDatabase}. */
    public Connection reader() throws SQLException {
        return store.reader();
    }

    public HistoryConfig.Retention retention() {
        return retention;
    }

    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        consumer.close();
        store.close();
        log.info("history: closed {}", store.describe());
    }
}
