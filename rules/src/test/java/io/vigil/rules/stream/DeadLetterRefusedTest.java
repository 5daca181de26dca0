package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** A dead letter Kafka refuses for another reason than its size does not stop the engine: it sends no more and evaluates on. */
@SuppressWarnings("deprecation")
class DeadLetterRefusedTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aDeadLetterTopicThatRefusesKeylessRecordsCostsTheEngineItsDeadLettersNotItsAlerts() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))),
                "deadletter-refused-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                // made by hand, compacted like the alerts: the broker refuses a record without a key there
                admin.createTopics(List.of(new NewTopic(Topics.DEADLETTER, 1, (short) 1)
                                .configs(Map.of("cleanup.policy", "compact"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            PrometheusMeterRegistry registry = EngineHarness.registry();
            EngineTiming timing = new EngineTiming(
                    Duration.ofMillis(200),
                    Duration.ofHours(1),
                    Duration.ofHours(2),
                    Duration.ofMinutes(10),
                    Duration.ofDays(7),
                    Duration.ofMinutes(15));
            try (Engine engine = Engine.start(
                            EngineHarness.config(
                                    kafka.bootstrapServers(),
                                    dir.resolve("state"),
                                    "vigil-engine-dlq",
                                    Roster.empty(),
                                    timing,
                                    Optional.empty(),
                                    new ListenAddress("127.0.0.1", 0)),
                            EngineHarness.pack(),
                            registry);
                    KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers())) {
                assertTrue(engine.awaitRunning(WAIT), "engine not running: " + engine.state());
                // a good event sent without its key is a dead letter without a key, which the topic refuses
                Envelope keyless = Envelope.of("pair-1", "node-b", 1, Instant.now(), Bodies.heartbeat());
                producer.send(new ProducerRecord<>(
                        Topics.TELEMETRY, ClusterPartition.of("pair-1", 6), null, EnvelopeCodec.encode(keyless)));
                EngineHarness.send(
                        producer,
                        Envelope.of("pair-1", "node-b", 2, Instant.now(), Bodies.disk("/dev/sdt", false, 0, 30)));
                producer.flush();
                await().atMost(WAIT)
                        .dontCatchUncaughtExceptions()
                        .until(() -> alerts(kafka).stream()
                                .anyMatch(a -> a.rule().equals("DiskSmartFailing")
                                        && a.labels().get("device").equals("/dev/sdt")));
                assertEquals(KafkaStreams.State.RUNNING, engine.state());
                assertEquals(
                        1.0,
                        registry.get("vigil_engine_records_dropped")
                                .tag("topic", Topics.DEADLETTER)
                                .counter()
                                .count(),
                        0.0,
                        "the refused dead letter, counted once");
                // under exactly-once the refusal aborts the transaction, so the thread it was sent on is replaced once,
                // no more
                assertTrue(registry.get("vigil_engine_stream_thread_failures")
                                .counter()
                                .count()
                        <= 1.0);
                // and the engine goes on: a later event still becomes an alert
                EngineHarness.send(
                        producer,
                        Envelope.of("pair-1", "node-b", 3, Instant.now(), Bodies.disk("/dev/sdu", false, 0, 30)));
                producer.flush();
                await().atMost(WAIT)
                        .dontCatchUncaughtExceptions()
                        .until(() -> alerts(kafka).stream()
                                .anyMatch(a -> a.rule().equals("DiskSmartFailing")
                                        && a.labels().get("device").equals("/dev/sdu")));
            }
        }
    }

    private static List<Alert> alerts(EmbeddedKafka kafka) {
        return EngineHarness.readAll(kafka.bootstrapServers(), Topics.ALERTS).stream()
                .filter(r -> r.value() != null)
                .map(r -> {
                    try {
                        return WireCodec.decode(r.value(), Alert.class);
                    } catch (io.vigil.events.DecodeException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }
}
