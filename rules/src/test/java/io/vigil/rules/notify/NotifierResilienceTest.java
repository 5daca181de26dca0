package io.vigil.rules.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.DeliveryLanesTest.Hanging;
import io.vigil.rules.notify.dispatch.RouteSpec;
import io.vigil.rules.notify.webhook.WebhookSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The notifier alone on a real broker, fed alert records as the engine writes them: a receiver
 * that hangs holds up no other, and the notifier goes on after the broker was stopped and started
 * again, telling what came since and nothing twice.
 */
class NotifierResilienceTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Keeps what it is told. */
    static final class Recording implements Receiver {
        final List<Notification> told = new CopyOnWriteArrayList<>();
        private final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Outcome deliver(Notification n) {
            told.add(n);
            return new Outcome.Delivered("kept");
        }

        long firing(String rule) {
            return told.stream()
                    .filter(n -> n.firing().stream().anyMatch(a -> a.rule().equals(rule)))
                    .count();
        }
    }

    private static RouteSpec route(String receiver, boolean cont, List<RouteSpec> routes) {
        return new RouteSpec(
                receiver,
                List.of(),
                List.of("cluster", "alertname"),
                Duration.ZERO,
                Duration.ofSeconds(1),
                Duration.ofHours(4),
                cont,
                routes);
    }

    private static WebhookSpec spec(String name) {
        return new WebhookSpec(
                name,
                java.net.URI.create("http://127.0.0.1:9/unused"),
                Optional.empty(),
                0,
                true,
                Duration.ofSeconds(2));
    }

    private static Notifier notifier(EmbeddedKafka kafka, RouteSpec route, Map<String, Receiver> receivers) {
        NotifyConfig config = new NotifyConfig(
                receivers.keySet().stream()
                        .map(NotifierResilienceTest::spec)
                        .map(s -> (ReceiverSpec) s)
                        .toList(),
                route,
                "http://vigil.test",
                Duration.ofMinutes(10),
                Duration.ofMinutes(15));
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("session.timeout.ms", "6000");
        return new Notifier(config, props, "notifier-test", receivers, new SimpleMeterRegistry(), Clock.systemUTC())
                .start();
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> props = new HashMap<>(Topics.producerGuarantees());
        props.put("bootstrap.servers", kafka.bootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static void publish(KafkaProducer<String, byte[]> producer, Alert alert) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, alert.fingerprint(), WireCodec.encode(alert)))
                .get(60, TimeUnit.SECONDS);
    }

    private static Alert firing(String rule) {
        return Alerts.of(rule, "node-a", "critical", AlertState.FIRING, Map.of("resource", "r0"));
    }

    private static Path dir(String prefix) throws Exception {
        return Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), prefix);
    }

    @Test
    void aReceiverThatHangsHoldsUpNoOtherReceiver() throws Exception {
        Hanging hung = new Hanging();
        Recording pager = new Recording("pager");
        Map<String, Receiver> receivers = Map.of("hung", hung, "pager", pager);
        // every alert goes to both: the first child continues to the second
        RouteSpec both =
                route("pager", false, List.of(route("hung", true, List.of()), route("pager", false, List.of())));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir("notify-hang-").resolve("kafka"));
                KafkaProducer<String, byte[]> producer = producer(kafka)) {
            kafka.createVigilTopics();
            try (Notifier notifier = notifier(kafka, both, receivers)) {
                await().atMost(WAIT).until(notifier::active);
                publish(producer, firing("DrbdLocalDiskLost"));
                assertTrue(hung.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the hanging receiver was called");
                await().atMost(Duration.ofSeconds(10)).until(() -> pager.firing("DrbdLocalDiskLost") == 1);
                publish(producer, firing("DiskSmartFailing"));
                await().atMost(Duration.ofSeconds(10)).until(() -> pager.firing("DiskSmartFailing") == 1);
                assertTrue(notifier.unsettled() >= 1, "what the hanging receiver holds stays uncommitted");
            }
        }
    }

    @Test
    void theNotifierGoesOnAfterTheBrokerWasStoppedAndStartedAgain() throws Exception {
        Recording pager = new Recording("pager");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir("notify-outage-").resolve("kafka"))) {
            kafka.createVigilTopics();
            try (Notifier notifier = notifier(kafka, route("pager", false, List.of()), Map.of("pager", pager))) {
                await().atMost(WAIT).until(notifier::active);
                try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                    publish(producer, firing("DrbdLocalDiskLost"));
                }
                await().atMost(WAIT).until(() -> pager.firing("DrbdLocalDiskLost") == 1);
                await().atMost(WAIT).until(() -> notifier.unsettled() == 0);
                kafka.stop();
                // the outage: long enough for the notifier's Kafka calls to fail and its lease session to lapse
                Thread.sleep(12_000);
                kafka.start();
                try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                    publish(producer, firing("DiskSmartFailing"));
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> pager.firing("DiskSmartFailing") == 1);
                assertTrue(notifier.active(), "active again");
                Thread.sleep(3_000);
                assertEquals(1, pager.firing("DrbdLocalDiskLost"), "told before the outage: not told again after it");
                assertEquals(1, pager.firing("DiskSmartFailing"), "told once");
            }
        }
    }
}
