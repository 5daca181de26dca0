package io.vigil.lab.view;

import io.vigil.events.DecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
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
 * Reads a Vigil topic from the beginning (or, for a bench, from its end), decodes each record and
 * hands it on (telemetry into a {@link ClusterPicture}, alerts into an {@link AlertBoard}). It
 * assigns itself every partition (no consumer group): it is a viewer, and must not take partitions
 * from an engine. It reads only committed records, as the engine's transactions commit them.
 */
public final class TopicFollower<T> implements AutoCloseable {
    /** Bytes to a record; throws for bytes that are not one. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(byte[] bytes) throws DecodeException;
    }

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final AtomicInteger FOLLOWERS = new AtomicInteger();

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Decoder<T> decoder;
    private final Consumer<T> sink;
    private final Consumer<String> tombstones;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong unreadable = new AtomicLong();
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean fromEnd;

    public TopicFollower(String bootstrapServers, String topic, Decoder<T> decoder, Consumer<T> sink) {
        this(bootstrapServers, topic, decoder, sink, key -> {});
    }

    /** {@code tombstones} gets the key of each deleted record (a compacted topic's deletion). */
    public TopicFollower(
            String bootstrapServers, String topic, Decoder<T> decoder, Consumer<T> sink, Consumer<String> tombstones) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-lab-view-" + topic + "-" + FOLLOWERS.incrementAndGet());
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = decoder;
        this.sink = sink;
        this.tombstones = tombstones;
        this.thread = new Thread(this::follow, "follower-" + topic);
        this.thread.setDaemon(true);
    }

    /** Follows the topic from its beginning. */
    public TopicFollower<T> start() {
        thread.start();
        return this;
    }

    /**
     * Follows only what is written from now on: returns once the follower holds the end of every
     * partition (or after 30 s), so a record written after this returns is not missed.
     */
    public TopicFollower<T> startAtEnd() throws InterruptedException {
        fromEnd = true;
        thread.start();
        if (!positioned.await(30, TimeUnit.SECONDS)) {
            log.warn("{}: not positioned at the end after 30 s; following anyway", topic);
        }
        return this;
    }

    public long unreadable() {
        return unreadable.get();
    }

    private void follow() {
        try {
            List<PartitionInfo> partitions = List.of();
            while (running.get() && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            }
            consumer.assign(partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList());
            if (fromEnd) {
                consumer.seekToEnd(consumer.assignment());
                consumer.assignment().forEach(consumer::position); // the seek is lazy: resolve it now
            } else {
                consumer.seekToBeginning(consumer.assignment());
            }
            positioned.countDown();
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        tombstones.accept(record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8));
                        continue;
                    }
                    try {
                        sink.accept(decoder.decode(record.value()));
                    } catch (DecodeException e) {
                        if (unreadable.incrementAndGet() <= 10) {
                            log.warn(
                                    "{}-{}@{} unreadable, skipped: {}",
                                    record.topic(),
                                    record.partition(),
                                    record.offset(),
                                    e.getMessage());
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("the lab view stopped reading {}: {}", topic, e.toString());
        } finally {
            positioned.countDown();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
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
