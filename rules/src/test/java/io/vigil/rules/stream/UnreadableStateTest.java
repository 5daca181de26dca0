package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.service.http.ListenAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A value in the engine's own store that it cannot read costs that value: the partition's time-driven changes go on. */
@SuppressWarnings("deprecation")
class UnreadableStateTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String APP = "vigil-engine-unreadable";
    private static final int PARTITIONS = 6;

    @Test
    void anUnreadableScopeIsDeadLetteredWithItsStoreAndKeyAndThePartitionsNodesStillFallSilent() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "unreadable-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            // the scopes' changelog holds, on pair-1's partition, a value no engine of this version reads (a newer
            // one's, or damaged)
            String changelog = APP + "-" + EngineStores.SCOPES + "-changelog";
            int partition = ClusterPartition.of("pair-1", PARTITIONS);
            String key = "pair-1\u001fnode-a\u001fdrbd\u001fresource=r9";
            byte[] unreadable =
                    "{\"lastObserved\": 17, \"alerts\": \"from a newer engine\"}".getBytes(StandardCharsets.UTF_8);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                    KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(changelog, PARTITIONS, (short) 1)
                                .configs(Map.of("cleanup.policy", "compact"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(changelog, partition, key, unreadable))
                        .get(30, TimeUnit.SECONDS);
            }
            PrometheusMeterRegistry registry = EngineHarness.registry();
            EngineTiming timing = new EngineTiming(
                    Duration.ofMillis(200),
                    Duration.ofHours(1),
                    Duration.ofHours(2),
                    Duration.ofSeconds(1),
                    Duration.ofDays(7),
                    Duration.ofMinutes(15));
            // pair-1's nodes never speak: only the clock can make them silent
            try (Engine engine = Engine.start(
                    EngineHarness.config(
                            kafka.bootstrapServers(),
                            dir.resolve("state"),
                            APP,
                            new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))),
                            timing,
                            Optional.empty(),
                            new ListenAddress("127.0.0.1", 0)),
                    RuleLoader.parse("silent.yaml", """
                    rules:
                      - alert: NodeSilent
                        absent: heartbeat
                        for: 2s
                        severity: critical
                    """),
                    registry)) {
                assertTrue(engine.awaitRunning(WAIT), "engine not running: " + engine.state());
                await().atMost(WAIT).until(() -> firingSilent(kafka).size() == 2);
                List<ConsumerRecord<byte[], byte[]>> dead =
                        EngineHarness.readAll(kafka.bootstrapServers(), Topics.DEADLETTER);
                assertEquals(1, dead.size(), "one dead letter");
                ConsumerRecord<byte[], byte[]> letter = dead.get(0);
                assertEquals(key, new String(letter.key(), StandardCharsets.UTF_8));
                assertArrayEquals(unreadable, letter.value(), "the value as it was stored");
                assertEquals(EngineStores.SCOPES, header(letter, DeadLetters.STORE));
                assertEquals(String.valueOf(partition), header(letter, DeadLetters.PARTITION));
                String reason = header(letter, DeadLetters.REASON);
                assertTrue(
                        reason.startsWith(
                                "store alert-scopes holds an unreadable ScopeAlerts at pair-1/node-a/drbd/resource=r9: "),
                        reason);
                assertTrue(
                        registry.scrape()
                                .lines()
                                .anyMatch(l ->
                                        l.equals("vigil_engine_dead_letters_total{reason=\"unreadable-state\",} 1.0")),
                        registry.scrape());
                assertEquals(
                        0.0,
                        registry.get("vigil_engine_stream_thread_failures")
                                .counter()
                                .count(),
                        "no thread died");
            }
        }
    }

    private static List<Alert> firingSilent(EmbeddedKafka kafka) {
        return EngineHarness.readAll(kafka.bootstrapServers(), Topics.ALERTS).stream()
                .filter(r -> r.value() != null)
                .map(r -> {
                    try {
                        return WireCodec.decode(r.value(), Alert.class);
                    } catch (io.vigil.events.DecodeException e) {
                        throw new AssertionError(e);
                    }
                })
                .filter(a -> a.rule().equals("NodeSilent") && a.state() == AlertState.FIRING)
                .toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
