package io.vigil.history;

import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import io.vigil.events.DecodeException;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.service.log.LogThrottle;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads vigil.telemetry, vigil.alerts and vigil.audit into the {@link HistorySink}, on a thread
 * of its own. At each assignment it seeks every partition to the offset the history stored (the
 * truth; Kafka's committed offsets are written after each stored batch for tools to read, and
 * never followed). A record that cannot be decoded is logged with its topic, partition and offset,
 * counted and read past. A batch the database refuses is read again from the stored offsets after
 * a pause; nothing stops the sink but {@link #close()}.
 */
public final class HistoryConsumer implements AutoCloseable {
    public static final List<String> TOPICS = List.of(Topics.TELEMETRY, Topics.ALERTS, Topics.AUDIT);
    private static final Logger log = LoggerFactory.getLogger(HistoryConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final Duration RETENTION_EVERY = Duration.ofMinutes(1);
    /**
     * A backlog is stored in transactions of about this many records, where a poll returns one
     * fetch (1 MiB of a partition, some 1,500 reports): a DuckDB commit has a cost of its own, and
     * the same rows stored 5,000 at a time took half again the CPU they took 20,000 at a time
     * (larger transactions gained little more). Their records are held decoded, some 40 MB.
     */
    public static final int TRANSACTION_RECORDS = 20_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final HistorySink sink;
    private final HistoryMetrics metrics;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final LogThrottle unreadableLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle failureLog = new LogThrottle(Duration.ofMinutes(1));
    private final HistoryRetention retention;
    private long retentionDueMs;

    private HistoryConsumer(
            Map<String, Object> kafka,
            String group,
            HistorySink sink,
            HistoryMetrics metrics,
            HistoryRetention retention) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // the engine creates the Vigil topics with their partitions and compaction; a reader must never create them
        // first
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.sink = sink;
        this.metrics = metrics;
        this.retention = retention;
        this.thread = new Thread(this::run, "vigil-history");
        thread.setDaemon(true);
    }

    /** Starts reading; {@code kafka} are the client properties (bootstrap.servers and what the cluster needs). */
    public static HistoryConsumer start(
            Map<String, Object> kafka,
            String group,
            HistorySink sink,
            HistoryMetrics metrics,
            HistoryRetention retention) {
        HistoryConsumer consumer = new HistoryConsumer(kafka, group, sink, metrics, retention);
        consumer.thread.start();
        return consumer;
    }

    private void run() {
        try {
            if (sink.store().sharedByInstances()) {
                subscribe();
            } else {
                assignEveryPartition();
            }
            while (closing.getCount() > 0) {
                if (consumer.assignment().isEmpty() && !sink.store().sharedByInstances()) {
                    // the engine has not created the topics yet: nothing to read until it has
                    pause(POLL);
                    assignEveryPartition();
                    continue;
                }
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
                if (!polled.isEmpty()) {
                    store(withBacklog(polled));
                }
                lag();
                maintain();
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            log.error(
                    "history: the sink stopped reading Kafka: {} (restart the engine; the history resumes from its stored offsets)",
                    e.toString(),
                    e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** A database that the engine instances share: each stores the partitions the group gives it. */
    private void subscribe() {
        consumer.subscribe(TOPICS, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // the stored offsets are the truth: nothing to hand over
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // another instance may have stored these partitions since this one read the offsets: ask the
                // database, not the sink's memory, where they resume
                try {
                    sink.reload();
                } catch (SQLException | RuntimeException e) {
                    log.warn(
                            "history: the stored offsets could not be read from {} after a rebalance: {};"
                                    + " the next batch reads them first, and waits until it can",
                            sink.store().describe(),
                            e.getMessage());
                }
                seekToStored(partitions);
            }
        });
    }

    /**
     * A file of this instance's own: it must hold every cluster's history, not the share a group
     * would give it beside other instances, so it reads every partition (the stored offsets, not
     * a group, say where). Re-read as topics gain partitions.
     */
    private void assignEveryPartition() {
        Set<TopicPartition> every = new HashSet<>();
        for (String topic : TOPICS) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                every.add(new TopicPartition(topic, p.partition()));
            }
        }
        Set<TopicPartition> added = new HashSet<>(every);
        added.removeAll(consumer.assignment());
        if (!added.isEmpty() || !every.equals(consumer.assignment())) {
            consumer.assign(every);
            seekToStored(added);
            log.info(
                    "history: reading {} partitions of {} into {}",
                    every.size(),
                    TOPICS,
                    sink.store().describe());
        }
    }

    private void seekToStored(Collection<TopicPartition> partitions) {
        Map<Partition, Long> stored = sink.offsets();
        for (TopicPartition tp : partitions) {
            Long next = stored.get(new Partition(tp.topic(), tp.partition()));
            if (next == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, next);
            }
        }
    }

    /**
     * The records polled, and while the assigned partitions hold more (a replay, or a sink that
     * was stopped), the next polls' up to {@link #TRANSACTION_RECORDS}; caught up, a poll is stored
     * as it comes. Records of a partition that a rebalance took away meanwhile are left to its new
     * reader (which resumes from the stored offsets).
     */
    private List<ConsumerRecord<byte[], byte[]>> withBacklog(ConsumerRecords<byte[], byte[]> polled) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
        polled.forEach(records::add);
        Set<TopicPartition> assigned = Set.copyOf(consumer.assignment());
        while (records.size() < TRANSACTION_RECORDS && behind() && closing.getCount() > 0) {
            ConsumerRecords<byte[], byte[]> more = consumer.poll(POLL);
            more.forEach(records::add);
            if (more.isEmpty() || !consumer.assignment().equals(assigned)) {
                break;
            }
        }
        if (!consumer.assignment().equals(assigned)) {
            Set<TopicPartition> kept = consumer.assignment();
            records.removeIf(r -> !kept.contains(new TopicPartition(r.topic(), r.partition())));
        }
        return records;
    }

    private boolean behind() {
        for (TopicPartition tp : consumer.assignment()) {
            if (consumer.currentLag(tp).orElse(0) > 0) {
                return true;
            }
        }
        return false;
    }

    private void store(List<ConsumerRecord<byte[], byte[]>> polled) {
        if (polled.isEmpty()) {
            return;
        }
        List<SinkRecord> batch = new ArrayList<>(polled.size());
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            batch.add(decode(r));
        }
        try {
            sink.write(batch);
        } catch (SQLException | RuntimeException e) {
            OptionalLong held = failureLog.admit(System.currentTimeMillis());
            if (held.isPresent()) {
                log.error(
                        "history: a batch of {} records could not be stored in {}: {}; reading it again from the stored offsets"
                                + " in {} s ({} more failures held back)",
                        batch.size(),
                        sink.store().describe(),
                        e.getMessage(),
                        RETRY.toSeconds(),
                        held.getAsLong());
            }
            seekToStored(consumer.assignment());
            pause(RETRY);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            commit.merge(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            consumer.commitSync(commit);
        } catch (KafkaException e) {
            // informational only: the history's own offsets were stored with the rows
            log.debug("history: committing offsets to Kafka failed: {}", e.toString());
        }
    }

    private SinkRecord decode(ConsumerRecord<byte[], byte[]> r) {
        Partition p = new Partition(r.topic(), r.partition());
        try {
            if (r.value() == null) {
                return new SinkRecord.Unreadable("no value (a tombstone)", p, r.offset());
            }
            return switch (r.topic()) {
                case Topics.TELEMETRY -> new SinkRecord.Telemetry(EnvelopeCodec.decode(r.value()), p, r.offset());
                case Topics.ALERTS ->
                    new SinkRecord.AlertChange(WireCodec.decode(r.value(), Alert.class), p, r.offset());
                default -> new SinkRecord.Audit(WireCodec.decode(r.value(), AuditEntry.class), p, r.offset());
            };
        } catch (DecodeException | RuntimeException e) {
            OptionalLong held = unreadableLog.admit(System.currentTimeMillis());
            if (held.isPresent()) {
                log.warn(
                        "history: skipped an unreadable record at {}-{} offset {}: {} ({} more held back)",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getMessage(),
                        held.getAsLong());
            }
            return new SinkRecord.Unreadable(String.valueOf(e.getMessage()), p, r.offset());
        }
    }

    /** Retention runs on this thread, between batches: the store has one connection, and one writer. */
    private void maintain() {
        long now = System.currentTimeMillis();
        if (now < retentionDueMs) {
            return;
        }
        retentionDueMs = now + RETENTION_EVERY.toMillis();
        if (!sink.store().sharedByInstances()) {
            assignEveryPartition();
        }
        try {
            retention.run(now);
        } catch (SQLException | RuntimeException e) {
            log.error(
                    "history: rollups and retention failed in {}: {}; trying again in {} s",
                    sink.store().describe(),
                    e.getMessage(),
                    RETENTION_EVERY.toSeconds());
        }
    }

    private void lag() {
        Map<Partition, Long> behind = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                behind.put(new Partition(tp.topic(), tp.partition()), lag.getAsLong());
            }
        }
        metrics.lag(behind);
    }

    private void pause(Duration d) {
        try {
            closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the batch under way is stored (or not), and closes the Kafka client. */
    @Override
    public void close() {
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
