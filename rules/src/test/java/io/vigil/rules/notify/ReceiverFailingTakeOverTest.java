package io.vigil.rules.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.NotifierResilienceTest.Recording;
import io.vigil.rules.notify.dispatch.RouteSpec;
import io.vigil.rules.notify.webhook.WebhookSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A notifier that takes over from another remembers what that one raised about a failing receiver, and tells its recovery. */
class ReceiverFailingTakeOverTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Fails, worth a retry, until it is told to work. */
    static final class Broken implements Receiver {
        volatile boolean works;
        volatile int attempts;

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Outcome deliver(Notification n) {
            attempts++;
            return works ? new Outcome.Delivered("202") : new Outcome.Retry("503 Service Unavailable");
        }
    }

    private static Notifier notifier(EmbeddedKafka kafka, Map<String, Receiver> receivers) {
        RouteSpec toBroken = new RouteSpec(
                "broken",
                List.of(),
                List.of("cluster", "alertname"),
                Duration.ZERO,
                Duration.ofSeconds(1),
                Duration.ofHours(4),
                false,
                List.of());
        List<ReceiverSpec> specs = List.of(hook("broken"), hook("working"));
        NotifyConfig config =
                new NotifyConfig(specs, toBroken, "http://vigil.test", Duration.ofSeconds(2), Duration.ofMinutes(15));
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("session.timeout.ms", "6000");
        return new Notifier(config, props, "takeover-test", receivers, new SimpleMeterRegistry(), Clock.systemUTC())
                .start();
    }

    private static ReceiverSpec hook(String name) {
        return new WebhookSpec(
                name, URI.create("http://127.0.0.1:9/unused"), Optional.empty(), 0, true, Duration.ofSeconds(2));
    }

    private static boolean told(Recording working, AlertState state) {
        return working.told.stream()
                .flatMap(n -> state == AlertState.FIRING ? n.firing().stream() : n.resolved().stream())
                .anyMatch(a -> a.rule().equals("VigilReceiverFailing")
                        && a.labels().get("receiver").equals("broken"));
    }

    @Test
    void aNotifierTakingOverTellsTheRecoveryOfAReceiverItsPredecessorAnnouncedAsFailing() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "takeover-");
        Broken broken = new Broken();
        Recording working = new Recording("working");
        Map<String, Receiver> receivers = Map.of("broken", broken, "working", working);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createVigilTopics();
            Notifier first = notifier(kafka, receivers);
            try (Notifier second = notifier(kafka, receivers)) {
                try {
                    await().atMost(WAIT).until(() -> first.active() || second.active());
                    Notifier active = first.active() ? first : second;
                    Notifier standby = active == first ? second : first;
                    Map<String, Object> props = new HashMap<>(Topics.producerGuarantees());
                    props.put("bootstrap.servers", kafka.bootstrapServers());
                    try (KafkaProducer<String, byte[]> producer =
                            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                        Alert lost = Alerts.lost(AlertState.FIRING);
                        producer.send(new ProducerRecord<>(Topics.ALERTS, lost.fingerprint(), WireCodec.encode(lost)))
                                .get(30, TimeUnit.SECONDS);
                    }
                    await().atMost(WAIT).until(() -> told(working, AlertState.FIRING));
                    active.close();
                    await().atMost(WAIT).until(standby::active);
                    broken.works = true;
                    // the disk, never delivered to broken, is told by the new notifier; that delivery is its recovery
                    await().atMost(Duration.ofSeconds(45)).until(() -> told(working, AlertState.RESOLVED));
                    assertEquals(
                            1,
                            working.told.stream()
                                    .filter(n -> n.resolved().stream()
                                            .anyMatch(a -> a.rule().equals("VigilReceiverFailing")))
                                    .count(),
                            "its recovery, told once");
                } finally {
                    first.close();
                }
            }
        }
    }
}
