package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.DecodeException;
import io.vigil.events.Envelope;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine on a real broker under issue 7's flood: 10,000 valid failed-disk events from 10,000
 * nodes of pair-1 that the config does not list (a few more past the limit when it is raised), then a real node's disk failure, while the real
 * nodes' heartbeats queue behind the flood. With the default limits the flood is dropped at the
 * door past 32 unknown nodes; with the limits raised the engine holds all 10,000 alerts. Either
 * way the real failure is alerted within seconds and the real nodes are never taken for silent.
 */
@SuppressWarnings("deprecation")
class UnknownNodeFloodTest {
    private static final Logger log = LoggerFactory.getLogger(UnknownNodeFloodTest.class);
    private static final int FLOOD = 10_000;
    private static final EngineTiming TIMING = new EngineTiming(
            Duration.ofMillis(500),
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofSeconds(1),
            Duration.ofDays(7),
            Duration.ofMinutes(15));
    private static final Roster PAIR =
            new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of())));

    private final AtomicLong seq = new AtomicLong();

    @Test
    void pastTheLimitUnknownNodesAreDroppedAtTheDoorAndARealFailureIsAlertedWithinSeconds() throws Exception {
        // the issue asks for "within seconds": a bound of a few, on a 2-core machine shared with the broker
        flood(EngineLimits.DEFAULTS, FLOOD, Duration.ofSeconds(10), (engine, registry, seen) -> {
            int admitted = EngineLimits.DEFAULTS.unknownNodesPerCluster();
            assertEquals(admitted, unknownNodesAlerts(seen), "the first 32 unknown nodes are heard");
            assertTrue(
                    registry.scrape()
                            .contains("vigil_engine_unknown_node_events_dropped_total " + (double) (FLOOD - admitted)),
                    registry.scrape());
        });
    }

    @Test
    void tenThousandAlertsHeldDoNotDelayARealFailureForLongNorSilenceTheRealNodes() throws Exception {
        // every flood event is evaluated and written here (four records each, exactly once): measured 6 to 12 s on a
        // loaded
        // 2-core machine with the broker in the same process; before the index the engine needed many minutes
        int beyond = 5;
        flood(new EngineLimits(FLOOD + 10, FLOOD), FLOOD + beyond, Duration.ofSeconds(30), (engine, registry, seen) -> {
            assertEquals(FLOOD, unknownNodesAlerts(seen));
            assertEquals(
                    FLOOD + 1,
                    engine.localAlerts().stream()
                            .filter(a -> a.rule().equals("DiskSmartFailing"))
                            .count(),
                    "the engine holds the unknown nodes' alerts and the real one");
            assertTrue(
                    registry.scrape().contains("vigil_engine_unknown_node_events_dropped_total " + (double) beyond),
                    registry.scrape());
        });
    }

    private interface Then {
        void check(Engine engine, PrometheusMeterRegistry registry, List<Alert> seen) throws Exception;
    }

    private void flood(EngineLimits limits, int unknownNodes, Duration promptly, Then then) throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "flood-");
        PrometheusMeterRegistry registry = EngineHarness.registry();
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Engine engine = Engine.start(
                        config(kafka.bootstrapServers(), dir.resolve("state"), limits),
                        EngineHarness.pack(),
                        registry);
                KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers());
                AlertFollower alerts = new AlertFollower(kafka.bootstrapServers());
                AutoCloseable stopBeating = heartbeats::shutdownNow) {
            assertTrue(engine.awaitRunning(Duration.ofSeconds(60)), "engine not running: " + engine.state());
            // the real nodes' agents beat every 2 s throughout; NodeSilent waits 15 s
            heartbeats.scheduleAtFixedRate(
                    () -> {
                        send(producer, "node-a", Bodies.heartbeat());
                        send(producer, "node-b", Bodies.heartbeat());
                        producer.flush();
                    },
                    0,
                    2,
                    TimeUnit.SECONDS);
            for (int i = 0; i < unknownNodes; i++) {
                send(producer, "unknown-" + i, Bodies.disk("/dev/sda", false, 0, 30));
            }
            send(producer, "node-a", Bodies.disk("/dev/sdb", false, 0, 30));
            producer.flush();
            long sent = System.nanoTime();

            await().atMost(promptly)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> alerts.poll().stream()
                            .anyMatch(a -> a.rule().equals("DiskSmartFailing")
                                    && a.labels().get("node").equals("node-a")
                                    && a.state() == AlertState.FIRING));
            log.info(
                    "limits {}: the real node's failure was alerted {} ms after the flood and it were sent; {} alert records before it",
                    limits,
                    (System.nanoTime() - sent) / 1_000_000,
                    alerts.seen().size());
            await().atMost(promptly).until(() -> {
                alerts.poll();
                return alerts.seen().stream()
                        .anyMatch(a -> a.rule().equals("VigilUnknownNodeLimitReached")
                                && a.labels().get("cluster").equals("pair-1")
                                && a.state() == AlertState.FIRING);
            });
            List<Alert> seen = alerts.seen();
            assertEquals(
                    List.of(),
                    seen.stream()
                            .filter(a -> a.rule().equals("NodeSilent")
                                    && List.of("node-a", "node-b")
                                            .contains(a.labels().get("node")))
                            .toList(),
                    "a real node taken for silent");
            then.check(engine, registry, seen);
        }
    }

    private static long unknownNodesAlerts(List<Alert> seen) {
        return seen.stream()
                .filter(a -> a.rule().equals("DiskSmartFailing")
                        && a.labels().get("node").startsWith("unknown-")
                        && a.state() == AlertState.FIRING)
                .count();
    }

    private static EngineConfig config(String bootstrap, Path state, EngineLimits limits) {
        EngineConfig c = EngineHarness.config(
                bootstrap, state, "vigil-flood", PAIR, TIMING, Optional.empty(), new ListenAddress("127.0.0.1", 0));
        return new EngineConfig(
                c.kafka(),
                c.applicationId(),
                c.stateDir(),
                c.streamThreads(),
                c.rules(),
                c.roster(),
                c.topics(),
                c.timing(),
                c.http(),
                c.notifications(),
                limits);
    }

    private void send(KafkaProducer<String, byte[]> producer, String node, io.vigil.events.Body body) {
        EngineHarness.send(producer, Envelope.of("pair-1", node, seq.incrementAndGet(), Instant.now(), body));
    }

    /** Reads vigil.alerts as it grows, read_committed, keeping every alert record. */
    private static final class AlertFollower implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<Alert> seen = new ArrayList<>();

        AlertFollower(String bootstrap) {
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", bootstrap);
            props.put("isolation.level", "read_committed");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.ALERTS, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** What came since the last call; everything is kept in {@link #seen}. */
        List<Alert> poll() throws DecodeException {
            List<Alert> fresh = new ArrayList<>();
            for (var r : consumer.poll(Duration.ofMillis(100))) {
                if (r.value() != null) {
                    fresh.add(WireCodec.decode(r.value(), Alert.class));
                }
            }
            seen.addAll(fresh);
            return fresh;
        }

        List<Alert> seen() {
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
