package io.vigil.lab.publish;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.collectors.publish.Spool;
import io.vigil.collectors.publish.TelemetryPublisher;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Heartbeat;
import io.vigil.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's promise about Kafka outages, against a real broker that is stopped and started
 * again: emit never waits for Kafka, and every (node, seq) arrives exactly once, in order.
 */
class TelemetryPublisherOutageTest {
    private static final String CLUSTER = "pair-1";
    private static final Duration BOUND = Duration.ofSeconds(30);

    private Path dir;
    private EmbeddedKafka kafka;
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void startKafka() throws Exception {
        Path base = Path.of(System.getProperty("vigil.test.tmp", "target/tmp"));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "outage");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        kafka.createVigilTopics();
    }

    @AfterEach
    void stopKafka() {
        kafka.close();
    }

    /** Short timeouts so an outage is noticed and left within seconds; the rest is production's. */
    private Map<String, Object> kafkaProperties(String deliveryTimeoutMs) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("request.timeout.ms", "2000");
        props.put("max.block.ms", "1000");
        props.put("reconnect.backoff.ms", "50");
        props.put("reconnect.backoff.max.ms", "250");
        if (!deliveryTimeoutMs.isEmpty()) {
            props.put("delivery.timeout.ms", deliveryTimeoutMs);
        }
        return props;
    }

    private TelemetryPublisher publisher(String node, String deliveryTimeoutMs) {
        return new TelemetryPublisher(
                CLUSTER,
                node,
                kafkaProperties(deliveryTimeoutMs),
                new Spool.Settings(dir.resolve("spool-" + node), 64L * 1024 * 1024),
                registry);
    }

    @Test
    void everyEventArrivesExactlyOnceInOrderAcrossABrokerOutage() throws Exception {
        // production's default: the producer retries its batches until Kafka is back
        Map<String, List<Long>> seqsByNode = outage("");
        seqsByNode.forEach((node, seqs) -> {
            assertEquals("", gapsAndRepeats(seqs), node + ": every seq once, in order");
        });
    }

    /**
     * What a user trades by passing a finite {@code delivery.timeout.ms}: a batch in flight when
     * the broker went away may have been written although the producer gave up on it, and is sent
     * again. Nothing is lost; consumers de-duplicate on (node, seq).
     */
    @Test
    void withAFiniteDeliveryTimeoutNothingIsLostAcrossABrokerOutage() throws Exception {
        Map<String, List<Long>> seqsByNode = outage("2500");
        seqsByNode.forEach((node, seqs) -> {
            long max = seqs.stream().mapToLong(Long::longValue).max().orElse(-1);
            assertEquals(max + 1, seqs.stream().distinct().count(), node + ": every seq up to " + max + " arrived");
        });
    }

    /**
     * Two nodes emit steadily; the broker stops, they keep emitting for longer than the request
     * and delivery timeouts, the broker comes back. Returns what reached Kafka, per node.
     */
    private Map<String, List<Long>> outage(String deliveryTimeoutMs) throws Exception {
        List<Emitter> emitters = new ArrayList<>();
        for (String node : List.of("node-a", "node-b")) {
            emitters.add(new Emitter(node, publisher(node, deliveryTimeoutMs)));
        }
        emitters.forEach(Emitter::start);
        await().atMost(BOUND).until(() -> published("node-a") > 200 && published("node-b") > 200);

        kafka.stop();
        long[] before = emitters.stream().mapToLong(e -> e.emitted.get()).toArray();
        emitters.forEach(e -> e.slowest.set(0));
        await().atMost(BOUND).until(() -> progress(emitters, before) >= 2000);
        for (int i = 0; i < emitters.size(); i++) {
            Emitter e = emitters.get(i);
            assertTrue(
                    e.slowest.get() < TimeUnit.MILLISECONDS.toNanos(500),
                    e.node + ": an emit took " + TimeUnit.NANOSECONDS.toMillis(e.slowest.get())
                            + " ms while Kafka was down");
            assertTrue(
                    spooled(e.node) >= e.emitted.get() - before[i],
                    e.node + ": what was emitted during the outage waits in the spool (" + spooled(e.node) + ")");
        }

        kafka.start();
        await().atMost(BOUND).until(() -> emitters.stream().allMatch(e -> published(e.node) > e.emitted.get() - 50));
        for (Emitter e : emitters) {
            e.stop();
        }
        await().atMost(BOUND).until(() -> emitters.stream().allMatch(e -> spooled(e.node) == 0));
        for (Emitter e : emitters) {
            e.publisher.close();
            assertEquals(0.0, dropped(e.node), e.node + ": nothing dropped");
        }

        Map<String, List<Long>> seqsByNode = readTelemetry();
        for (Emitter e : emitters) {
            List<Long> seqs = seqsByNode.get(e.node);
            assertEquals(
                    e.emitted.get() - 1,
                    seqs.stream().mapToLong(Long::longValue).max().orElse(-1),
                    e.node + ": the last seq emitted arrived");
        }
        return seqsByNode;
    }

    /** "" when seqs run 0, 1, 2, ... without a gap or repeat; otherwise where they first do not. */
    private static String gapsAndRepeats(List<Long> seqs) {
        for (int i = 0; i < seqs.size(); i++) {
            if (seqs.get(i) != i) {
                return "at position " + i + ": " + seqs.subList(Math.max(0, i - 3), Math.min(seqs.size(), i + 4))
                        + " of " + seqs.size() + " records";
            }
        }
        return "";
    }

    @Test
    void aRestartedPublisherContinuesAboveItsLastSeqAndReplaysWhatWasLeftInTheSpool() throws Exception {
        String node = "node-a";
        TelemetryPublisher first = publisher(node, "");
        for (int i = 0; i < 50; i++) {
            first.emit(heartbeat(i));
        }
        await().atMost(BOUND).until(() -> published(node) == 50);
        kafka.stop();
        for (int i = 50; i < 80; i++) {
            first.emit(heartbeat(i));
        }
        await().atMost(BOUND).until(() -> spooled(node) == 30);
        first.close();
        kafka.start();

        try (TelemetryPublisher second = publisher(node, "")) {
            for (int i = 0; i < 20; i++) {
                second.emit(heartbeat(i));
            }
            await().atMost(BOUND).until(() -> spooled(node) == 0 && published(node) == 100);
        }

        List<Long> seqs = readTelemetry().get(node);
        assertEquals(100, seqs.size(), "the 30 left in the spool were replayed, each once: " + seqs);
        assertEquals(LongStream.range(0, 80).boxed().toList(), seqs.subList(0, 80));
        long lastOfFirstRun = 79;
        List<Long> secondRun = seqs.subList(80, 100);
        assertTrue(
                secondRun.get(0) > lastOfFirstRun, "second run continues above " + lastOfFirstRun + ": " + secondRun);
        for (int i = 1; i < secondRun.size(); i++) {
            assertEquals(secondRun.get(i - 1) + 1, secondRun.get(i), "second run counts on: " + secondRun);
        }
    }

    /** The fewest emits any emitter made since {@code before}. */
    private static long progress(List<Emitter> emitters, long[] before) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < emitters.size(); i++) {
            least = Math.min(least, emitters.get(i).emitted.get() - before[i]);
        }
        return least;
    }

    private static Heartbeat heartbeat(long uptime) {
        return new Heartbeat("test", uptime, List.of(), 8L << 30, 4L << 30);
    }

    private double published(String node) {
        return Search.in(registry).name("vigil.agent.events.published").tag("node", node).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private double dropped(String node) {
        return Search.in(registry).name("vigil.agent.events.dropped").tag("node", node).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private double spooled(String node) {
        var gauge = Search.in(registry)
                .name("vigil.agent.spool.events")
                .tag("node", node)
                .gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /** Every telemetry record from the beginning to the current end, seqs grouped by node in partition order. */
    private Map<String, List<Long>> readTelemetry() throws Exception {
        Map<String, List<Long>> seqs = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.TELEMETRY)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "telemetry not read to its end within " + BOUND);
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Envelope envelope = EnvelopeCodec.decode(record.value());
                    assertEquals(CLUSTER, record.key(), "key = cluster");
                    seqs.computeIfAbsent(envelope.node(), n -> new ArrayList<>())
                            .add(envelope.seq());
                }
            }
        }
        return seqs;
    }

    /** A probe that emits as fast as a busy agent would, counting its emits and its slowest one. */
    private static final class Emitter {
        final String node;
        final TelemetryPublisher publisher;
        final AtomicLong emitted = new AtomicLong();
        final AtomicLong slowest = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread;

        Emitter(String node, TelemetryPublisher publisher) {
            this.node = node;
            this.publisher = publisher;
            this.thread = new Thread(this::emitUntilStopped, "emitter-" + node);
        }

        void start() {
            thread.start();
        }

        private void emitUntilStopped() {
            while (running) {
                long began = System.nanoTime();
                publisher.emit(heartbeat(emitted.get()));
                slowest.accumulateAndGet(System.nanoTime() - began, Math::max);
                emitted.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
