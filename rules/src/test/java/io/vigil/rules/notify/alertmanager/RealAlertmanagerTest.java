package io.vigil.rules.notify.alertmanager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.AlertLabels;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.rules.notify.NotifyConfig;
import io.vigil.rules.notify.RecordingReceiver;
import io.vigil.rules.notify.dispatch.RouteSpec;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.stream.Engine;
import io.vigil.service.http.ListenAddress;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The engine's alert in a real Alertmanager (Debian's prometheus-alertmanager, on 127.0.0.1):
 * it shows the alert through its own API, with the fingerprint Vigil computed, notifies its own
 * receiver, and then shows it resolved.
 */
@SuppressWarnings("deprecation")
class RealAlertmanagerTest {
    private static final String INSTALL = "apt-get install -y prometheus-alertmanager";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void alertmanagerShowsTheEnginesAlertThenItsResolve() throws Exception {
        String binary = binary();
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "am-");
        try (RecordingReceiver amWebhook = new RecordingReceiver();
                EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            int port = freePort();
            Files.writeString(dir.resolve("alertmanager.yml"), """
                    route:
                      receiver: hook
                      group_by: [alertname]
                      group_wait: 0s
                      group_interval: 1s
                    receivers:
                      - name: hook
                        webhook_configs:
                          - url: %s
                            send_resolved: true
                    """.formatted(amWebhook.url("/from-alertmanager")));
            Process am = new ProcessBuilder(
                            binary,
                            "--config.file=" + dir.resolve("alertmanager.yml"),
                            "--storage.path=" + dir.resolve("am-data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--cluster.listen-address=")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("alertmanager.log").toFile())
                    .start();
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> get(base.resolve("/-/ready")).statusCode() == 200);
                kafka.createVigilTopics();
                Map<String, Object> settings = new HashMap<>();
                settings.put("bootstrap.servers", kafka.bootstrapServers());
                NotifyConfig notify = new NotifyConfig(
                        List.of(new AlertmanagerSpec(
                                "alertmanager", List.of(base), Optional.empty(), Duration.ofSeconds(5))),
                        new RouteSpec(
                                "alertmanager",
                                List.of(),
                                List.of("cluster", "alertname"),
                                Duration.ZERO,
                                Duration.ofSeconds(1),
                                Duration.ofHours(4),
                                false,
                                List.of()),
                        "http://vigil.test",
                        Duration.ofMinutes(2),
                        Duration.ofMinutes(15));
                EngineConfig config = new EngineConfig(
                        settings,
                        "vigil-am-it",
                        dir.resolve("state"),
                        1,
                        List.of(),
                        Roster.empty(),
                        new EngineConfig.Topics(true, 6, (short) 1),
                        new EngineTiming(
                                Duration.ofMillis(200),
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(4),
                                Duration.ofHours(1),
                                Duration.ofDays(7),
                                Duration.ofMinutes(15)),
                        new EngineConfig.Http(new ListenAddress("127.0.0.1", 0), Optional.empty(), Optional.empty()),
                        Optional.of(notify));
                try (Engine engine = Engine.start(
                                config, DefaultRulePack.load(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                        KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                    assertTrue(engine.awaitRunning(WAIT));
                    send(producer, 1, Bodies.diskLost("r0"));
                    await().atMost(WAIT).until(() -> lostDisk(base).isPresent());
                    JsonNode shown = lostDisk(base).orElseThrow();
                    Map<String, String> labels = new TreeMap<>();
                    shown.get("labels")
                            .fields()
                            .forEachRemaining(
                                    e -> labels.put(e.getKey(), e.getValue().asText()));
                    assertEquals("node-a", labels.get("node"));
                    assertEquals("r0", labels.get("resource"));
                    assertEquals(
                            AlertLabels.fingerprint(labels),
                            shown.get("fingerprint").asText(),
                            "Alertmanager computes the same fingerprint from the same labels");
                    assertEquals("active", shown.get("status").get("state").asText());
                    assertEquals(
                            "http://vigil.test/api/alerts",
                            shown.get("generatorURL").asText());
                    await().atMost(WAIT)
                            .until(() -> amWebhook.requests().stream()
                                    .anyMatch(r ->
                                            r.json().path("status").asText().equals("firing")));
                    send(producer, 2, Bodies.healthyPrimary("r0"));
                    await().atMost(WAIT).until(() -> lostDisk(base).isEmpty());
                    await().atMost(WAIT)
                            .until(() -> amWebhook.requests().stream()
                                    .anyMatch(r ->
                                            r.json().path("status").asText().equals("resolved")));
                    JsonNode resolved = amWebhook.requests().stream()
                            .map(RecordingReceiver.Request::json)
                            .filter(r -> r.path("status").asText().equals("resolved"))
                            .findFirst()
                            .orElseThrow();
                    assertEquals(
                            "DrbdLocalDiskLost",
                            resolved.get("alerts")
                                    .get(0)
                                    .get("labels")
                                    .get("alertname")
                                    .asText());
                    assertEquals(
                            AlertLabels.fingerprint(labels),
                            resolved.get("alerts").get(0).get("fingerprint").asText());
                }
            } finally {
                am.destroy();
                am.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Optional<JsonNode> lostDisk(URI base) throws Exception {
        JsonNode alerts =
                WireCodec.json().readTree(get(base.resolve("/api/v2/alerts")).body());
        for (Iterator<JsonNode> it = alerts.elements(); it.hasNext(); ) {
            JsonNode a = it.next();
            if (a.path("labels").path("alertname").asText().equals("DrbdLocalDiskLost")) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void send(KafkaProducer<String, byte[]> producer, long seq, io.vigil.events.Body body) {
        producer.send(new ProducerRecord<>(
                Topics.TELEMETRY,
                "pair-1",
                EnvelopeCodec.encode(Envelope.of("pair-1", "node-a", seq, Instant.now(), body))));
        producer.flush();
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>(Topics.producerGuarantees());
        props.put("bootstrap.servers", bootstrap);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, "prometheus-alertmanager");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return fail("prometheus-alertmanager is not installed; install it with: " + INSTALL);
    }
}
