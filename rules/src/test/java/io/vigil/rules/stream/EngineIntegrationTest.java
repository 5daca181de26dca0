package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.Envelope;
import io.vigil.events.LabelMatcher;
import io.vigil.events.MatchOp;
import io.vigil.events.Silence;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.service.http.HttpEndpoint;
import io.vigil.service.http.ListenAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine on a real broker: telemetry in, alerts out, poison to the dead letters, silences through its API. */
@SuppressWarnings("deprecation")
class EngineIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;
    private static Engine engine;
    private static PrometheusMeterRegistry registry;
    private static KafkaProducer<String, byte[]> producer;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static long seq;

    @BeforeAll
    static void start() throws Exception {
        Path tmp = Path.of(System.getProperty("vigil.test.tmp", "target/tmp"));
        Path dir = Files.createTempDirectory(Files.createDirectories(tmp), "engine-it-");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        registry = EngineHarness.registry();
        EngineTiming timing = new EngineTiming(
                Duration.ofMillis(200),
                Duration.ofHours(1),
                Duration.ofHours(2),
                Duration.ofSeconds(1),
                Duration.ofDays(7),
                Duration.ofMinutes(15));
        engine = Engine.start(
                EngineHarness.config(
                        kafka.bootstrapServers(),
                        dir.resolve("state"),
                        "vigil-engine-it",
                        new Roster(Map.of(
                                "pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of("site", "lab")))),
                        timing,
                        Optional.empty(),
                        new ListenAddress("127.0.0.1", 0)),
                EngineHarness.pack(),
                registry,
                line -> {},
                Map.of(
                        "/api/added",
                        request -> HttpEndpoint.Reply.text(200, "added by the process that runs the engine\n")));
        assertTrue(engine.awaitRunning(WAIT), "engine not running: " + engine.state());
        producer = EngineHarness.producer(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        producer.close();
        engine.close();
        kafka.close();
    }

    private static void send(String node, io.vigil.events.Body body) {
        EngineHarness.send(producer, Envelope.of("pair-1", node, ++seq, Instant.now(), body));
        producer.flush();
    }

    private static List<Alert> alerts() {
        return EngineHarness.readAll(kafka.bootstrapServers(), Topics.ALERTS).stream()
                .filter(r -> r.value() != null)
                .map(r -> {
                    try {
                        assertEquals(
                                WireCodec.decode(r.value(), Alert.class).fingerprint(),
                                new String(r.key(), StandardCharsets.UTF_8),
                                "alerts are keyed by fingerprint");
                        return WireCodec.decode(r.value(), Alert.class);
                    } catch (io.vigil.events.DecodeException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    private static HttpResponse<String> api(String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(engine.apiUrl() + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRouteTheRunningProcessAddsIsServedBesideTheEnginesOwn() throws Exception {
        HttpResponse<String> added = api("GET", "/api/added", null);
        assertEquals(200, added.statusCode(), added.body());
        assertEquals("added by the process that runs the engine\n", added.body());
        assertEquals(200, api("GET", "/api/alerts", null).statusCode());
    }

    @Test
    void aLostDiskBecomesAFiringAlertOnTheAlertsTopicAndInTheApi() throws Exception {
        send("node-a", Bodies.heartbeat());
        send("node-a", Bodies.healthyPrimary("r0"));
        send("node-a", Bodies.diskLost("r0"));
        await().atMost(WAIT)
                .until(() -> alerts().stream().anyMatch(a -> a.rule().equals("DrbdLocalDiskLost")));
        Alert lost = alerts().stream()
                .filter(a -> a.rule().equals("DrbdLocalDiskLost"))
                .findFirst()
                .orElseThrow();
        assertEquals(AlertState.FIRING, lost.state());
        assertEquals("lab", lost.labels().get("site"));
        assertEquals(
                "node-a lost the disk under r0 (volume 0 is Diskless)",
                lost.annotations().get("summary"));
        assertTrue(lost.failover());
        HttpResponse<String> listed = api("GET", "/api/alerts?state=firing", null);
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode body = WireCodec.json().readTree(listed.body());
        assertTrue(body.path("alerts").findValuesAsText("rule").contains("DrbdLocalDiskLost"), listed.body());
        assertEquals(1, body.path("instances").asInt());
        HttpResponse<String> head = api("HEAD", "/api/alerts?state=firing", null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(listed.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
        String metrics = api("GET", "/metrics", null).body();
        assertTrue(metrics.contains("vigil_engine_rule_evaluations_total{rule=\"DrbdLocalDiskLost\",}"), metrics);
        // counted, not stuck at 0 (a sentinel timestamp once kept the count from ever being read)
        await().atMost(WAIT)
                .until(() -> api("GET", "/metrics", null)
                        .body()
                        .lines()
                        .anyMatch(l -> l.startsWith(
                                        "vigil_engine_alerts{alertname=\"DrbdLocalDiskLost\",cluster=\"pair-1\",severity=\"critical\",state=\"firing\",} ")
                                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1));
        assertTrue(metrics.contains("vigil_engine_event_to_alert_seconds_count"), metrics);
        send("node-a", Bodies.healthyPrimary("r0"));
        await().atMost(WAIT)
                .until(() -> alerts().stream()
                        .anyMatch(a -> a.rule().equals("DrbdLocalDiskLost") && a.state() == AlertState.RESOLVED));
    }

    @Test
    void aPoisonRecordGoesToTheDeadLettersWithItsReasonAndTheEngineCarriesOn() throws Exception {
        byte[] poison =
                "{\"v\":1,\"cluster\":\"pair-1\",\"node\":\"node-b\",\"seq\":1,\"ts\":\"2026-12-01T00:00:00Z\",\"kind\":\"disk\",\"body\":{\"device\":\"/dev/sda\"}}"
                        .getBytes(StandardCharsets.UTF_8);
        byte[] garbage = {(byte) 0xff, 0x00, 0x41};
        producer.send(new ProducerRecord<>(Topics.TELEMETRY, "pair-1", poison));
        producer.send(new ProducerRecord<>(Topics.TELEMETRY, "pair-1", garbage));
        send("node-b", Bodies.disk("/dev/sdb", false, 0, 30));
        await().atMost(WAIT)
                .until(() -> EngineHarness.readAll(kafka.bootstrapServers(), Topics.DEADLETTER)
                                .size()
                        >= 2);
        List<ConsumerRecord<byte[], byte[]>> dead = EngineHarness.readAll(kafka.bootstrapServers(), Topics.DEADLETTER);
        ConsumerRecord<byte[], byte[]> first = dead.stream()
                .filter(r -> r.value().length == poison.length)
                .findFirst()
                .orElseThrow();
        assertArrayEquals(poison, first.value(), "the original bytes");
        assertEquals("pair-1", new String(first.key(), StandardCharsets.UTF_8));
        String reason =
                new String(first.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("unreadable: body.protocol: required field is missing"), reason);
        assertEquals(
                Topics.TELEMETRY,
                new String(first.headers().lastHeader(DeadLetters.TOPIC).value(), StandardCharsets.UTF_8));
        assertTrue(dead.stream().anyMatch(r -> r.value().length == 3), "garbage bytes too");
        await().atMost(WAIT)
                .until(() -> alerts().stream()
                        .anyMatch(a -> a.rule().equals("DiskSmartFailing")
                                && a.labels().get("device").equals("/dev/sdb")));
        String metrics = api("GET", "/metrics", null).body();
        assertTrue(
                metrics.lines()
                        .anyMatch(l -> l.startsWith("vigil_engine_dead_letters_total{reason=\"unreadable\",} ")
                                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 2),
                metrics);
    }

    @Test
    void aRecordTooLargeToDeadLetterWholeIsWrittenCutAndTheEngineCarriesOn() throws Exception {
        // about 1 MB of non-JSON: it fits the telemetry topic, but not with the dead letter's headers added
        // (the broker takes batches up to 1,048,588 bytes by default; the producer's max.request.size is 1 MiB)
        byte[] huge = new byte[1_048_000];
        java.util.Arrays.fill(huge, (byte) 'x');
        Map<String, Object> props = new java.util.HashMap<>(Topics.producerGuarantees());
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("max.request.size", "2000000");
        try (KafkaProducer<String, byte[]> big = new KafkaProducer<>(
                props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            big.send(new ProducerRecord<>(Topics.TELEMETRY, "pair-1", huge)).get();
        }
        send("node-b", Bodies.disk("/dev/sdq", false, 0, 30));
        await().atMost(WAIT)
                .until(() -> alerts().stream()
                        .anyMatch(a -> a.rule().equals("DiskSmartFailing")
                                && a.labels().get("device").equals("/dev/sdq")));
        await().atMost(WAIT)
                .until(() -> EngineHarness.readAll(kafka.bootstrapServers(), Topics.DEADLETTER).stream()
                        .anyMatch(r -> r.headers().lastHeader(DeadLetters.ORIGINAL_SIZE) != null));
        ConsumerRecord<byte[], byte[]> cut = EngineHarness.readAll(kafka.bootstrapServers(), Topics.DEADLETTER).stream()
                .filter(r -> r.headers().lastHeader(DeadLetters.ORIGINAL_SIZE) != null)
                .findFirst()
                .orElseThrow();
        assertEquals(
                "1048000",
                new String(cut.headers().lastHeader(DeadLetters.ORIGINAL_SIZE).value(), StandardCharsets.UTF_8));
        assertTrue(
                cut.value().length > 0 && cut.value().length < huge.length, "cut, not dropped: " + cut.value().length);
        assertArrayEquals(
                java.util.Arrays.copyOf(huge, cut.value().length), cut.value(), "the head of the original bytes");
        String reason = new String(cut.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("unreadable: "), reason);
        assertEquals(
                Topics.TELEMETRY,
                new String(cut.headers().lastHeader(DeadLetters.TOPIC).value(), StandardCharsets.UTF_8));
        assertTrue(
                api("GET", "/metrics", null)
                        .body()
                        .lines()
                        .anyMatch(
                                l -> l.startsWith("vigil_engine_stream_thread_failures_total ") && l.endsWith(" 0.0")),
                "no thread died");
    }

    @Test
    void aDeadLetterTheBrokerRefusesIsSkippedCountedAndTheEngineCarriesOn() throws Exception {
        // a broker whose dead-letter topic takes less than the engine's limit: the send fails, as nobody foresaw
        org.apache.kafka.common.config.ConfigResource topic = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.DEADLETTER);
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                            topic,
                            List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "20000"),
                                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
            try {
                byte[] garbage = new byte[50_000];
                java.util.Arrays.fill(garbage, (byte) '!');
                producer.send(new ProducerRecord<>(Topics.TELEMETRY, "pair-1", garbage));
                send("node-b", Bodies.disk("/dev/sdr", false, 0, 30));
                // under exactly-once the refusal aborts the transaction: one stream thread dies, its replacement skips
                // the record
                await().atMost(WAIT)
                        .dontCatchUncaughtExceptions()
                        .until(() -> alerts().stream()
                                .anyMatch(a -> a.rule().equals("DiskSmartFailing")
                                        && a.labels().get("device").equals("/dev/sdr")));
                String metrics = api("GET", "/metrics", null).body();
                assertTrue(
                        metrics.lines()
                                .anyMatch(l ->
                                        l.startsWith("vigil_engine_records_dropped_total{topic=\"vigil.deadletter\",} ")
                                                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1),
                        metrics);
                // (a replaced thread rebalances the group for a moment: running is 0 meanwhile, then 1 again)
                await().atMost(WAIT)
                        .dontCatchUncaughtExceptions()
                        .until(() -> api("GET", "/metrics", null)
                                .body()
                                .lines()
                                .anyMatch(l -> l.equals("vigil_engine_running 1.0")));
            } finally {
                admin.incrementalAlterConfigs(Map.of(
                                topic,
                                List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                                        new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", ""),
                                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.DELETE))))
                        .all()
                        .get();
            }
        }
    }

    @Test
    void aSilenceMadeThroughTheApiMutesAFiringAlertAndExpiringItUnmutes() throws Exception {
        send("node-b", Bodies.disk("/dev/sdc", true, 0, 90));
        // DiskTooHot waits 5 minutes; NVMe critical warnings page at once
        send(
                "node-b",
                new io.vigil.events.DiskHealth(
                        "/dev/nvme1",
                        Optional.of("nvme"),
                        Optional.empty(),
                        Optional.empty(),
                        io.vigil.events.DiskProtocol.NVME,
                        Optional.of(true),
                        0,
                        java.util.Set.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(2),
                        Optional.of(0L),
                        Optional.of(1),
                        Optional.of(40.0),
                        Optional.empty(),
                        List.of()));
        await().atMost(WAIT)
                .until(() -> alerts().stream().anyMatch(a -> a.rule().equals("DiskNvmeCriticalWarning")));
        HttpResponse<String> bad = api(
                "POST",
                "/api/silences",
                "{\"matchers\": [\"device=~\\\"(\\\"\"], \"duration\": \"1h\","
                        + " \"createdBy\": \"test\", \"comment\": \"x\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("is not a regular expression"), bad.body());
        HttpResponse<String> created = api(
                "POST",
                "/api/silences",
                "{\"matchers\": [\"device=/dev/nvme1\"], \"duration\": \"1h\","
                        + " \"createdBy\": \"test\", \"comment\": \"replacing the drive\"}");
        assertEquals(200, created.statusCode(), created.body());
        String id = WireCodec.json().readTree(created.body()).path("silenceID").asText();
        await().atMost(WAIT)
                .until(() -> alerts().stream()
                        .anyMatch(a -> a.rule().equals("DiskNvmeCriticalWarning")
                                && a.change() == AlertChange.SUPPRESSION
                                && a.silencedBy().equals(List.of(id))));
        JsonNode listed =
                WireCodec.json().readTree(api("GET", "/api/silences", null).body());
        assertEquals("active", listed.path("silences").get(0).path("status").asText(), listed.toString());
        HttpResponse<String> deleted = api("DELETE", "/api/silences/" + id, null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        await().atMost(WAIT).until(() -> {
            List<Alert> nvme = alerts().stream()
                    .filter(a -> a.rule().equals("DiskNvmeCriticalWarning"))
                    .toList();
            // (node-b, expected by the roster, sends no heartbeat here: NodeSilent may inhibit it too)
            return !nvme.isEmpty() && nvme.get(nvme.size() - 1).silencedBy().isEmpty();
        });
        assertEquals(404, api("DELETE", "/api/silences/no-such-id", null).statusCode());
    }

    @Test
    void aForgedSilenceOnTheTopicWithAHeapExhaustingRegexIsSkippedAndTheEngineCarriesOn() throws Exception {
        Instant now = Instant.now();
        // written past the API, straight to the topic: 90 bytes that compiled to 10 million instructions
        Silence forged = new Silence(
                "forged-regex",
                List.of(new LabelMatcher("node", MatchOp.REGEX, "((a{100}){100}){1000}")),
                now,
                now.plus(Duration.ofHours(1)),
                "intruder",
                "x",
                Optional.empty(),
                now);
        producer.send(new ProducerRecord<>(Topics.SILENCES, forged.id(), WireCodec.encode(forged)))
                .get(10, TimeUnit.SECONDS);
        HttpResponse<String> refused = api(
                "POST",
                "/api/silences",
                "{\"matchers\": [\"node=~\\\"((a{100}){100}){1000}\\\"\"],"
                        + " \"duration\": \"1h\", \"createdBy\": \"test\", \"comment\": \"x\"}");
        assertEquals(400, refused.statusCode(), refused.body());
        HttpResponse<String> created = api(
                "POST",
                "/api/silences",
                "{\"matchers\": [\"node=node-elsewhere\"], \"duration\": \"1h\","
                        + " \"createdBy\": \"test\", \"comment\": \"after the forged one\"}");
        assertEquals(200, created.statusCode(), created.body());
        String id = WireCodec.json().readTree(created.body()).path("silenceID").asText();
        // the topic is read in order: once the later silence is listed, the forged one has been met
        await().atMost(WAIT)
                .until(() -> WireCodec.json()
                        .readTree(api("GET", "/api/silences", null).body())
                        .path("silences")
                        .findValuesAsText("id")
                        .contains(id));
        List<String> listed = WireCodec.json()
                .readTree(api("GET", "/api/silences", null).body())
                .path("silences")
                .findValuesAsText("id");
        assertFalse(listed.contains("forged-regex"), listed.toString());
        send("node-a", Bodies.heartbeat());
        assertEquals(KafkaStreams.State.RUNNING, engine.state());
        assertEquals(200, api("GET", "/api/alerts", null).statusCode());
    }
}
