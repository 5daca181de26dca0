package io.vigil.rules.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Topics;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.rules.notify.dispatch.RouteSpec;
import io.vigil.rules.notify.webhook.WebhookSpec;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.stream.Engine;
import io.vigil.service.http.ListenAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The notifier on a real broker behind a real engine: a lost disk reaches a webhook, then its
 * resolve; a restarted engine, and a second one taking over, tell nobody twice; a receiver that
 * keeps failing is announced through the one that works.
 */
@SuppressWarnings("deprecation")
class NotifierIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final EngineTiming TIMING = new EngineTiming(
            Duration.ofMillis(200),
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofHours(1),
            Duration.ofDays(7),
            Duration.ofMinutes(15));
    private long seq;

    private static EngineConfig config(String bootstrap, Path state, List<ReceiverSpec> receivers, RouteSpec route) {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", bootstrap);
        kafka.put("consumer.session.timeout.ms", "6000");
        NotifyConfig notify =
                new NotifyConfig(receivers, route, "http://vigil.test", Duration.ofSeconds(2), Duration.ofMinutes(15));
        return new EngineConfig(
                kafka,
                "vigil-notify-it",
                state,
                1,
                List.of(),
                Roster.empty(),
                new EngineConfig.Topics(true, 6, (short) 1),
                TIMING,
                new EngineConfig.Http(new ListenAddress("127.0.0.1", 0), Optional.empty(), Optional.empty()),
                Optional.of(notify));
    }

    private static RouteSpec route(String receiver) {
        return new RouteSpec(
                receiver,
                List.of(),
                List.of("cluster", "alertname"),
                Duration.ZERO,
                Duration.ofSeconds(1),
                Duration.ofHours(4),
                false,
                List.of());
    }

    private static WebhookSpec hook(String name, URI url) {
        return new WebhookSpec(name, url, Optional.empty(), 0, true, Duration.ofSeconds(2));
    }

    private void send(KafkaProducer<String, byte[]> producer, io.vigil.events.Body body) {
        Envelope e = Envelope.of("pair-1", "node-a", ++seq, Instant.now(), body);
        producer.send(new ProducerRecord<>(Topics.TELEMETRY, "pair-1", EnvelopeCodec.encode(e)));
        producer.flush();
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>(Topics.producerGuarantees());
        props.put("bootstrap.servers", bootstrap);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static List<JsonNode> lostDiskPayloads(RecordingReceiver hook) {
        return hook.requests().stream()
                .map(RecordingReceiver.Request::json)
                .filter(p -> "DrbdLocalDiskLost"
                        .equals(p.path("groupLabels").path("alertname").asText()))
                .toList();
    }

    private static Engine engine(EngineConfig config) throws Exception {
        Engine engine =
                Engine.start(config, DefaultRulePack.load(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        assertTrue(engine.awaitRunning(WAIT));
        return engine;
    }

    @Test
    void aLostDiskIsToldOnceAndItsResolveTooAcrossRestartsAndTakeOvers() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "notify-it-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                RecordingReceiver hook = new RecordingReceiver();
                KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            kafka.createVigilTopics();
            EngineConfig config = config(
                    kafka.bootstrapServers(),
                    dir.resolve("state-1"),
                    List.of(hook("hook", hook.url("/alerts"))),
                    route("hook"));
            try (Engine first = engine(config)) {
                await().atMost(WAIT).until(() -> first.notifying().orElse(false));
                send(producer, Bodies.healthyPrimary("r0"));
                send(producer, Bodies.diskLost("r0"));
                await().atMost(WAIT).until(() -> lostDiskPayloads(hook).size() == 1);
                JsonNode firing = lostDiskPayloads(hook).get(0);
                assertEquals("firing", firing.get("status").asText());
                assertEquals(
                        "r0",
                        firing.get("alerts")
                                .get(0)
                                .get("labels")
                                .get("resource")
                                .asText());
                send(producer, Bodies.healthyPrimary("r0"));
                await().atMost(WAIT).until(() -> lostDiskPayloads(hook).size() == 2);
                assertEquals(
                        "resolved", lostDiskPayloads(hook).get(1).get("status").asText());
            }
            // the same engine again: it reads the alerts from its last delivered offsets and the log, and tells nothing
            // twice
            try (Engine again = engine(config)) {
                await().atMost(WAIT).until(() -> again.notifying().orElse(false));
                Thread.sleep(3_000);
                assertEquals(2, lostDiskPayloads(hook).size(), "nothing told twice after a restart");
                // a second instance stands by; when the first stops, it takes over and tells only what is new
                EngineConfig second = config(
                        kafka.bootstrapServers(),
                        dir.resolve("state-2"),
                        List.of(hook("hook", hook.url("/alerts"))),
                        route("hook"));
                try (Engine standby = engine(second)) {
                    Thread.sleep(2_000);
                    assertEquals(Optional.of(false), standby.notifying(), "one notifier at a time");
                    again.close();
                    await().atMost(WAIT).until(() -> standby.notifying().orElse(false));
                    send(producer, Bodies.diskLost("r1"));
                    await().atMost(WAIT).until(() -> lostDiskPayloads(hook).size() == 3);
                    Thread.sleep(2_000);
                    assertEquals(3, lostDiskPayloads(hook).size());
                    assertEquals(
                            "r1",
                            lostDiskPayloads(hook)
                                    .get(2)
                                    .get("alerts")
                                    .get(0)
                                    .get("labels")
                                    .get("resource")
                                    .asText());
                }
            }
        }
    }

    @Test
    void whatWasNotDeliveredBeforeARestartIsDeliveredOnceAfterItAndAGarbledAlertRecordIsSkipped() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "notify-lost-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                RecordingReceiver hook = new RecordingReceiver();
                KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            kafka.createVigilTopics();
            EngineConfig config = config(
                    kafka.bootstrapServers(),
                    dir.resolve("state"),
                    List.of(hook("hook", hook.url("/alerts"))),
                    route("hook"));
            hook.answer(503, 503);
            try (Engine first = engine(config)) {
                await().atMost(WAIT).until(() -> first.notifying().orElse(false));
                send(producer, Bodies.healthyPrimary("r0"));
                send(producer, Bodies.diskLost("r0"));
                // both answers were 503: stopped while the page is still to be delivered
                await().atMost(WAIT).until(() -> lostDiskPayloads(hook).size() == 2);
            }
            producer.send(new ProducerRecord<>(
                    Topics.ALERTS, "pair-1", "{\"not\": an alert".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            producer.flush();
            try (Engine again = engine(config)) {
                await().atMost(WAIT).until(() -> lostDiskPayloads(hook).size() == 3);
                assertEquals(
                        "firing",
                        lostDiskPayloads(hook).get(2).get("status").asText(),
                        "the page not delivered is not lost");
                send(producer, Bodies.healthyPrimary("r0"));
                await().atMost(WAIT).until(() -> lostDiskPayloads(hook).size() == 4);
                assertEquals(
                        "resolved", lostDiskPayloads(hook).get(3).get("status").asText(), "past the garbled record");
                Thread.sleep(3_000);
                assertEquals(4, lostDiskPayloads(hook).size(), "delivered once, resolved once");
            }
        }
    }

    @Test
    void aReceiverThatKeepsFailingIsAnnouncedThroughTheOneThatWorks() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "notify-fail-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                RecordingReceiver working = new RecordingReceiver();
                RecordingReceiver broken = new RecordingReceiver();
                KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            kafka.createVigilTopics();
            broken.answer(503, 503, 503, 503);
            RouteSpec onlyBroken = new RouteSpec(
                    "broken",
                    List.of(),
                    List.of("cluster", "alertname"),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofHours(4),
                    false,
                    List.of(new RouteSpec(
                            "working",
                            List.of(LabelMatcher.parse("alertname=Nothing")),
                            List.of("cluster"),
                            Duration.ZERO,
                            Duration.ofSeconds(1),
                            Duration.ofHours(4),
                            false,
                            List.of())));
            try (Engine engine = engine(config(
                    kafka.bootstrapServers(),
                    dir.resolve("state"),
                    List.of(hook("broken", broken.url("/a")), hook("working", working.url("/b"))),
                    onlyBroken))) {
                await().atMost(WAIT).until(() -> engine.notifying().orElse(false));
                send(producer, Bodies.diskLost("r0"));
                await().atMost(WAIT)
                        .until(() -> working.requests().stream()
                                .anyMatch(r -> r.json()
                                        .path("alerts")
                                        .path(0)
                                        .path("labels")
                                        .path("alertname")
                                        .asText()
                                        .equals("VigilReceiverFailing")));
                JsonNode announced = working.requests().get(0).json();
                assertEquals(
                        "broken",
                        announced
                                .get("alerts")
                                .get(0)
                                .get("labels")
                                .get("receiver")
                                .asText());
                assertTrue(
                        announced
                                .get("alerts")
                                .get(0)
                                .get("annotations")
                                .get("summary")
                                .asText()
                                .startsWith("Vigil cannot deliver notifications to broken"),
                        announced.toString());
                assertTrue(
                        broken.requests().size() >= 2,
                        "the broken receiver was retried: " + broken.requests().size());
                // it recovers (its queued failures run out): the disk is told there, and the recovery through the other
                await().atMost(WAIT)
                        .until(() -> broken.requests().stream()
                                        .anyMatch(r ->
                                                r.json().path("status").asText().equals("firing"))
                                && working.requests().stream()
                                        .anyMatch(r ->
                                                r.json().path("status").asText().equals("resolved")));
            }
        }
    }
}
