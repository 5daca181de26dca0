package io.vigil.app;

import io.vigil.events.AuditEntry;
import io.vigil.events.DecodeException;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The failover audit trail as it stands now, read from {@code vigil.audit}: each partition from its
 * first record at or after a time (found with {@code offsetsForTimes}) to its end offset when the
 * read began, then it stops. Only committed records are read: the engine writes the trail in
 * transactions, and an aborted one did not happen. No consumer group: nothing is committed.
 */
final class AuditTrail {
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    private AuditTrail() {}

    /** The entries since {@code since}, oldest first; {@code unreadable} hears of each record skipped. */
    static List<AuditEntry> since(Map<String, Object> kafka, Instant since, Consumer<String> unreadable) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-audit");
        settings.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        settings.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(Topics.AUDIT);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "cannot reach Kafka at " + kafka.get("bootstrap.servers") + " within 15 s");
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("there is no topic " + Topics.AUDIT + " at "
                        + kafka.get("bootstrap.servers") + " (the engine creates it when it starts)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                consumer.seek(p, start == null ? ends.get(p) : start.offset());
            }
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + Topics.AUDIT + " took longer than "
                            + READ_LIMIT.toSeconds() + " s; try a shorter --since");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))
                            && r.timestamp() >= since.toEpochMilli()) {
                        read.add(r);
                    }
                }
            }
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : read) {
            try {
                entries.add(WireCodec.decode(r.value(), AuditEntry.class));
            } catch (DecodeException e) {
                unreadable.accept(Topics.AUDIT + " partition " + r.partition() + " offset " + r.offset()
                        + " cannot be read (" + e.getMessage() + "); skipped");
            }
        }
        // each cluster's trail is in one partition, in order; across clusters, by time (a stable sort keeps that order
        // on ties)
        entries.sort(Comparator.comparing(AuditEntry::at));
        return entries;
    }
}
