package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.events.DecodeException;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.dispatch.RecordPosition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's reading of vigil.alerts for one term: it rebuilds the groups from what was told
 * already (every partition read up to its committed offset), then reads on, counts which records
 * still wait for a delivery (their settlement) and commits only those done with. A record that is
 * not an alert is skipped with a warning, never stops the reading.
 */
final class AlertIntake implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);

    /** Where the records go: the groups and outboxes of the delivery pipeline. */
    interface Target {
        /** An alert told already (before the committed offset), read again only to rebuild the groups. */
        void regroup(Alert alert);

        /** A new alert record; what it waits for. */
        Taken take(Alert alert, RecordPosition position);
    }

    /** A record taken: how many deliveries it waits for, and the older records it makes done with. */
    record Taken(int waits, List<RecordPosition> done) {}

    private final KafkaConsumer<String, byte[]> alerts;
    private final NotifierMetrics metrics;
    private final Map<Integer, Long> committedAtStart = new HashMap<>();
    private final Settlement settlement = new Settlement();
    private Map<Integer, Long> committed = Map.of();

    private AlertIntake(KafkaConsumer<String, byte[]> alerts, NotifierMetrics metrics) {
        this.alerts = alerts;
        this.metrics = metrics;
    }

    /** Opens the reading of every partition of vigil.alerts, from the beginning (to rebuild), with its committed offsets. */
    static AlertIntake open(Map<String, Object> consumerProps, NotifierMetrics metrics) {
        KafkaConsumer<String, byte[]> alerts =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = alerts.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.ALERTS, p.partition()))
                    .toList();
            alerts.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = alerts.committed(Set.copyOf(partitions));
            alerts.seekToBeginning(partitions);
            AlertIntake intake = new AlertIntake(alerts, metrics);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                long from = at == null ? 0 : at.offset();
                intake.committedAtStart.put(tp.partition(), from);
                intake.settlement.startAt(tp.partition(), from);
            }
            return intake;
        } catch (RuntimeException e) {
            alerts.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            throw e;
        }
    }

    /**
     * Reads every partition up to its committed offset before any group is looked at: a group's
     * alerts are spread over partitions, and a group judged on some of them would look resolved,
     * or new, to the notification log.
     */
    void rebuild(Target target) {
        Set<TopicPartition> partitions = alerts.assignment();
        Map<TopicPartition, Long> ends = alerts.endOffsets(partitions);
        int read = 0;
        while (partitions.stream()
                .anyMatch(tp -> alerts.position(tp) < Math.min(ends.get(tp), committedAtStart.get(tp.partition())))) {
            for (ConsumerRecord<String, byte[]> record : alerts.poll(Duration.ofMillis(200))) {
                take(record, target);
                read++;
            }
        }
        log.info("notifier: groups rebuilt, {} records of {} read", read, Topics.ALERTS);
    }

    /** Reads what came since, for {@code wait} at most. */
    void poll(Duration wait, Target target) {
        for (ConsumerRecord<String, byte[]> record : alerts.poll(wait)) {
            take(record, target);
        }
    }

    private void take(ConsumerRecord<String, byte[]> record, Target target) {
        RecordPosition position = new RecordPosition(record.partition(), record.offset());
        // before the committed offset: told already, read again only to rebuild the groups
        boolean told = record.offset() < committedAtStart.getOrDefault(record.partition(), 0L);
        if (record.value() == null) {
            // the engine forgot an alert; its groups let go of it once they have told what they must
            if (!told) {
                settlement.read(position, 0);
            }
            return;
        }
        Alert alert;
        try {
            alert = WireCodec.decode(record.value(), Alert.class);
        } catch (DecodeException e) {
            if (!told) {
                log.warn(
                        "{}-{}@{} is not an alert the notifier can read, skipped: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage());
                settlement.read(position, 0);
            }
            return;
        }
        if (told) {
            target.regroup(alert);
            return;
        }
        metrics.read(alert);
        Taken taken = target.take(alert, position);
        settlement.read(position, taken.waits());
        taken.done().forEach(settlement::settle);
    }

    /** One of a record's deliveries is done. */
    void settle(RecordPosition position) {
        settlement.settle(position);
    }

    /**
     * Commits the records done with; {@code logWritten} first puts the notification log's entries
     * of what was delivered on the broker, before the records they cover are committed.
     */
    void commit(Runnable logWritten) {
        Map<Integer, Long> committable = settlement.committable();
        if (committable.equals(committed)) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        committable.forEach((p, o) -> offsets.put(new TopicPartition(Topics.ALERTS, p), new OffsetAndMetadata(o)));
        logWritten.run();
        alerts.commitSync(offsets, Duration.ofSeconds(10));
        committed = committable;
    }

    /** Records read whose notifications are not delivered yet. */
    int unsettled() {
        return settlement.waiting();
    }

    @Override
    public void close() {
        alerts.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
