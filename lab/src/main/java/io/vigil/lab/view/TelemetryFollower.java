package io.vigil.lab.view;

import io.vigil.events.DecodeException;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the telemetry topic from the beginning into a {@link ClusterPicture}. It assigns itself
 * every partition (no consumer group): it is a viewer, and must not take partitions from an engine.
 */
public final class TelemetryFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryFollower.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ClusterPicture picture;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong unreadable = new AtomicLong();
    private final Thread thread;

    public TelemetryFollower(String bootstrapServers, ClusterPicture picture) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-lab-view");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.picture = picture;
        this.thread = new Thread(this::follow, "telemetry-follower");
        this.thread.setDaemon(true);
    }

    public TelemetryFollower start() {
        thread.start();
        return this;
    }

    public long unreadable() {
        return unreadable.get();
    }

    private void follow() {
        try {
            List<PartitionInfo> partitions = List.of();
            while (running.get() && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(Topics.TELEMETRY, Duration.ofSeconds(5));
            }
            consumer.assign(partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
            consumer.seekToBeginning(consumer.assignment());
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        picture.accept(EnvelopeCodec.decode(record.value()));
                    } catch (DecodeException e) {
                        if (unreadable.incrementAndGet() <= 10) {
                            log.warn("telemetry record {}-{}@{} unreadable, skipped: {}", record.topic(), record.partition(),
                                    record.offset(), e.getMessage());
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("the lab view stopped reading telemetry: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
