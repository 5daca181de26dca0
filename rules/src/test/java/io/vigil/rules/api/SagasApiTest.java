package io.vigil.rules.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.ActionType;
import io.vigil.events.FailoverCommand;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.failover.FailoverWay;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.Saga;
import io.vigil.rules.failover.SagaPhase;
import io.vigil.rules.failover.SagaStep;
import io.vigil.rules.stream.FailoverCommands;
import io.vigil.service.http.HttpEndpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sagas API on real HTTP endpoints on 127.0.0.1 (one instance and its peer), writing commands
 * through an idempotent producer to a real in-process broker.
 */
@SuppressWarnings("deprecation")
class SagasApiTest {
    private static final String TOKEN = "s3cret-token";
    private static final Instant NOW = Instant.parse("2026-12-04T21:10:00Z");
    private static final Instant T0 = Instant.parse("2026-12-04T21:03:07Z");

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<HttpEndpoint> endpoints = new ArrayList<>();

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        kafka.createVigilTopics();
        Map<String, Object> settings = new HashMap<>(Topics.producerGuarantees());
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close(Duration.ofSeconds(5));
        kafka.close();
    }

    @AfterEach
    void close() {
        endpoints.forEach(HttpEndpoint::close);
    }

    static Saga saga(String cluster, String resource, long number, SagaPhase phase) {
        SagaStep fence = new SagaStep(
                "fence:node-a",
                "node-b",
                ActionType.FENCE,
                Saga.idOf(cluster, resource, number) + ":fence:node-a:2",
                2,
                SagaStep.StepStatus.TIMED_OUT,
                T0,
                T0.plusSeconds(60),
                Optional.empty(),
                "");
        List<Saga.PhaseVisit> history = List.of(
                new Saga.PhaseVisit(SagaPhase.DEGRADED, T0),
                new Saga.PhaseVisit(SagaPhase.FENCING, T0.plusSeconds(2)),
                new Saga.PhaseVisit(phase, T0.plusSeconds(200)));
        return new Saga(
                Saga.idOf(cluster, resource, number),
                cluster,
                resource,
                number,
                FailoverWay.HOST_LOST,
                "node-a",
                "node-b",
                phase,
                T0,
                T0.plusSeconds(200),
                "node-a silent for 30 s",
                List.of(),
                false,
                false,
                false,
                Map.of(fence.name(), fence),
                List.of("vm1"),
                List.of("vm9"),
                Optional.empty(),
                Optional.empty(),
                Optional.of(SagaPhase.FENCING),
                phase == SagaPhase.STUCK
                        ? Optional.of("step fence:node-a on node-b timed out after 2 attempts")
                        : Optional.empty(),
                history);
    }

    /** An instance holding {@code held}; empty: failover not configured. */
    private String serve(Supplier<Optional<List<ResourceFailovers>>> held, List<String> peers) {
        return serve(held, peers, new FailoverCommands(producer));
    }

    private String serve(
            Supplier<Optional<List<ResourceFailovers>>> held, List<String> peers, SagasApi.CommandWriter writer) {
        SagasApi api = new SagasApi(held, () -> peers, writer, Optional.of(TOKEN), Clock.fixed(NOW, ZoneOffset.UTC));
        HttpEndpoint endpoint = HttpEndpoint.serve(
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", 0),
                Map.of("/api/sagas", api.list(), "/api/sagas/", api.approve(), "/api/failback/", api.failback()));
        endpoints.add(endpoint);
        return endpoint.baseUrl();
    }

    /** This instance holds pair-1/r0, stuck; its peer holds dc1:pair-2/r0 (a cluster whose name has a ':'), current and one ended. */
    private String twoInstances() {
        String peer = serve(
                () -> Optional.of(List.of(new ResourceFailovers(
                        3,
                        Optional.of(saga("dc1:pair-2", "r0", 3, SagaPhase.AWAITING_APPROVAL)),
                        List.of(saga("dc1:pair-2", "r0", 2, SagaPhase.HEALTHY)),
                        Map.of()))),
                List.of());
        return serve(
                () -> Optional.of(List.of(new ResourceFailovers(
                        1, Optional.of(saga("pair-1", "r0", 1, SagaPhase.STUCK)), List.of(), Map.of()))),
                List.of(peer.substring("http://".length())));
    }

    private HttpResponse<String> send(String method, String url, Optional<String> token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsTheSagasOfThisInstanceAndItsPeersCurrentFirst() throws Exception {
        String url = twoInstances();
        HttpResponse<String> listed = send("GET", url + "/api/sagas", Optional.empty(), "");
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode root = WireCodec.json().readTree(listed.body());
        assertEquals(2, root.path("instances").asInt());
        assertEquals(0, root.path("unreachable").size());
        List<String> ids = new ArrayList<>();
        root.path("sagas")
                .forEach(s ->
                        ids.add(s.path("sagaId").asText() + (s.path("current").asBoolean() ? "" : " (ended)")));
        assertEquals(List.of("dc1:pair-2:r0:3", "pair-1:r0:1", "dc1:pair-2:r0:2 (ended)"), ids);
        JsonNode stuck = root.path("sagas").get(1);
        assertEquals("Stuck", stuck.path("phase").asText());
        assertEquals("host-lost", stuck.path("way").asText());
        assertEquals("node-a", stuck.path("failing").asText());
        assertEquals("node-b", stuck.path("survivor").asText());
        assertEquals("6m53s", stuck.path("age").asText());
        assertEquals(
                "step fence:node-a on node-b timed out after 2 attempts",
                stuck.path("stuckBecause").asText());
        assertEquals("vm9", stuck.path("leftDown").get(0).asText());
        JsonNode step = stuck.path("steps").get(0);
        assertEquals(
                "fence:node-a node-b fence 2 timed-out",
                step.path("name").asText() + " " + step.path("node").asText() + " "
                        + step.path("type").asText() + " "
                        + step.path("attempt").asInt() + " "
                        + step.path("status").asText());
        assertEquals(
                "Degraded Fencing Stuck", String.join(" ", stuck.path("history").findValuesAsText("phase")));
    }

    @Test
    void approveAndFailbackNeedTheTokenAndNameTheBadParameter() throws Exception {
        String url = twoInstances();
        HttpResponse<String> noToken = send("POST", url + "/api/sagas/pair-1:r0:1/approve", Optional.empty(), "");
        assertEquals(401, noToken.statusCode());
        assertEquals("Bearer", noToken.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals(
                401,
                send("POST", url + "/api/failback/pair-1/r0", Optional.of("wrong"), "")
                        .statusCode());

        HttpResponse<String> badSaga = send("POST", url + "/api/sagas/-x/approve", Optional.of(TOKEN), "");
        assertEquals(400, badSaga.statusCode());
        assertTrue(badSaga.body().startsWith("sagaId: '-x' is not a valid name"), badSaga.body());
        HttpResponse<String> badResource = send("POST", url + "/api/failback/pair-1/r%20x", Optional.of(TOKEN), "");
        assertEquals(400, badResource.statusCode());
        assertTrue(badResource.body().startsWith("resource: 'r x' is not a valid name"), badResource.body());
        HttpResponse<String> badBy =
                send("POST", url + "/api/failback/pair-1/r0", Optional.of(TOKEN), "{\"by\": \"ops; rm -rf\"}");
        assertEquals(400, badBy.statusCode());
        assertTrue(badBy.body().startsWith("by: 'ops; rm -rf' is not a valid name"), badBy.body());
        assertEquals(
                400,
                send("POST", url + "/api/failback/pair-1/r0", Optional.of(TOKEN), "{\"by\":")
                        .statusCode());

        HttpResponse<String> unknown = send("POST", url + "/api/sagas/pair-1:r0:7/approve", Optional.of(TOKEN), "");
        assertEquals(404, unknown.statusCode());
        assertEquals("no saga pair-1:r0:7 (vigil sagas --all lists them)\n", unknown.body());
        assertEquals(
                409,
                send("POST", url + "/api/sagas/dc1:pair-2:r0:2/approve", Optional.of(TOKEN), "")
                        .statusCode());
        HttpResponse<String> noFailover = send("POST", url + "/api/failback/pair-1/r1", Optional.of(TOKEN), "");
        assertEquals(404, noFailover.statusCode());
        assertEquals("no failover of r1 in pair-1 is in progress (vigil sagas lists them)\n", noFailover.body());
    }

    @Test
    void approveIsRefusedWhereItWouldDoNothing() throws Exception {
        for (SagaPhase phase : SagaPhase.values()) {
            String url = serve(
                    () -> Optional.of(List.of(new ResourceFailovers(
                            1, Optional.of(saga("pair-1", "r0", 1, phase)), List.of(), Map.of()))),
                    List.of());
            HttpResponse<String> answer = send("POST", url + "/api/sagas/pair-1:r0:1/approve", Optional.of(TOKEN), "");
            boolean approvable =
                    phase == SagaPhase.AWAITING_APPROVAL || phase == SagaPhase.HELD || phase == SagaPhase.STUCK;
            assertEquals(approvable ? 202 : 409, answer.statusCode(), phase + ": " + answer.body());
            if (!approvable) {
                assertEquals(
                        "saga pair-1:r0:1 is " + phase.word()
                                + ": approve lets a saga act only when it is AwaitingApproval, Held" + " or Stuck\n",
                        answer.body());
            }
        }
    }

    @Test
    void aCommandKafkaDidNotTakeIs503AndSaysToCheckBeforeRetrying() throws Exception {
        Supplier<Optional<List<ResourceFailovers>>> stuck = () -> Optional.of(List.of(
                new ResourceFailovers(1, Optional.of(saga("pair-1", "r0", 1, SagaPhase.STUCK)), List.of(), Map.of())));
        Map<String, Object> settings = new HashMap<>(Topics.producerGuarantees());
        settings.put("bootstrap.servers", "127.0.0.1:1"); // nothing listens: the metadata never comes
        settings.put("max.block.ms", 300);
        KafkaProducer<String, byte[]> nowhere =
                new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        KafkaProducer<String, byte[]> closed =
                new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        closed.close(Duration.ZERO);
        try {
            for (KafkaProducer<String, byte[]> failing : List.of(nowhere, closed)) {
                String url = serve(stuck, List.of(), new FailoverCommands(failing));
                for (String path : List.of("/api/sagas/pair-1:r0:1/approve", "/api/failback/pair-1/r0")) {
                    HttpResponse<String> answer = send("POST", url + path, Optional.of(TOKEN), "");
                    assertEquals(503, answer.statusCode(), answer.body());
                    assertTrue(
                            answer.body().endsWith("the command may still arrive; check vigil sagas before retrying\n"),
                            answer.body());
                }
            }
        } finally {
            nowhere.close(Duration.ZERO);
        }
    }

    @Test
    void aPeersSagaWithoutWhereItRunsIs503NamingThePeer() throws Exception {
        HttpEndpoint peer = HttpEndpoint.serve(
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", 0),
                Map.of(
                        "/api/sagas",
                        request -> HttpEndpoint.Reply.json(
                                200,
                                ("{\"sagas\": [{\"sagaId\": \"pair-9:r0:1\", \"current\": true,"
                                                + " \"phase\": \"Stuck\"}, {\"sagaId\": \"-bad id\", \"cluster\": \"pair-8\", \"resource\": \"r0\","
                                                + " \"current\": true, \"phase\": \"Stuck\"}]}")
                                        .getBytes(StandardCharsets.UTF_8))));
        endpoints.add(peer);
        String address = peer.baseUrl().substring("http://".length());
        String url = serve(() -> Optional.of(List.of()), List.of(address));
        for (String path : List.of("/api/sagas/pair-9:r0:1/approve", "/api/failback/pair-8/r0")) {
            HttpResponse<String> answer = send("POST", url + path, Optional.of(TOKEN), "");
            assertEquals(503, answer.statusCode(), path + ": " + answer.body());
            assertTrue(answer.body().contains(address), answer.body());
        }
    }

    @Test
    void aBodyIsAlwaysReadAndWhatIsWrongInItNamesBy() throws Exception {
        String url = twoInstances();
        for (String body : List.of("[1]", "\"ops\"", "{\"by\": 5}", "{\"by\":", "null")) {
            HttpResponse<String> answer =
                    send("POST", url + "/api/failback/pair-1/r0?by=carol", Optional.of(TOKEN), body);
            assertEquals(400, answer.statusCode(), body + ": " + answer.body());
            assertTrue(answer.body().startsWith("by: "), body + ": " + answer.body());
        }
    }

    @Test
    void theEchoedPathHasItsControlCharactersShown() throws Exception {
        String url = twoInstances();
        for (String path : List.of("/api/sagas/x%E2%80%AEy%C2%9B", "/api/failback/x%E2%80%AEy%C2%9B")) {
            HttpResponse<String> answer = send("POST", url + path, Optional.of(TOKEN), "");
            assertEquals(404, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("x\\u202ey\\x9b"), answer.body());
        }
    }

    @Test
    void acceptedCommandsLandOnTheCommandsTopicKeyedByTheSagasClusterInItsTelemetryPartition() throws Exception {
        String url = twoInstances();
        HttpResponse<String> approved =
                send("POST", url + "/api/sagas/dc1:pair-2:r0:3/approve?by=alice", Optional.of(TOKEN), "");
        assertEquals(202, approved.statusCode(), approved.body());
        FailoverCommand echoed =
                WireCodec.decode(approved.body().getBytes(StandardCharsets.UTF_8), FailoverCommand.class);
        assertEquals(
                new FailoverCommand(FailoverCommand.Verb.APPROVE, "dc1:pair-2", "r0", "dc1:pair-2:r0:3", "alice", NOW),
                echoed);
        HttpResponse<String> failback =
                send("POST", url + "/api/failback/pair-1/r0", Optional.of(TOKEN), "{\"by\": \"bob\"}");
        assertEquals(202, failback.statusCode(), failback.body());
        assertEquals(
                "pair-1:r0:1",
                WireCodec.decode(failback.body().getBytes(StandardCharsets.UTF_8), FailoverCommand.class)
                        .sagaId(),
                "the failback names the saga it was asked of: the engine ignores it if another saga runs by then");

        int partitions = EmbeddedKafka.VIGIL_TOPIC_PARTITIONS.get(Topics.FAILOVER_COMMANDS);
        List<ConsumerRecord<String, byte[]>> landed = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "auto.offset.reset", "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(Topics.FAILOVER_COMMANDS, p));
            }
            consumer.assign(all);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                // other tests write to the same broker: this test's commands are alice's and bob's
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String by =
                            WireCodec.decode(r.value(), FailoverCommand.class).by();
                    if (by.equals("alice") || by.equals("bob")) {
                        landed.add(r);
                    }
                }
                return landed.size() >= 2;
            });
        }
        assertEquals(2, landed.size());
        for (ConsumerRecord<String, byte[]> r : landed) {
            FailoverCommand command = WireCodec.decode(r.value(), FailoverCommand.class);
            assertEquals(command.cluster(), r.key());
            assertEquals(
                    Utils.toPositive(Utils.murmur2(r.key().getBytes(StandardCharsets.UTF_8))) % partitions,
                    r.partition(),
                    "the partition of the cluster's telemetry");
            if (command.verb() == FailoverCommand.Verb.FAILBACK) {
                assertEquals(
                        new FailoverCommand(FailoverCommand.Verb.FAILBACK, "pair-1", "r0", "pair-1:r0:1", "bob", NOW),
                        command);
            } else {
                assertEquals(echoed, command);
            }
        }
    }

    @Test
    void anEngineWithoutFailoverSaysSoAndAnUnreachablePeerIsNamed() throws Exception {
        String off = serve(Optional::empty, List.of());
        HttpResponse<String> listed = send("GET", off + "/api/sagas", Optional.empty(), "");
        assertEquals(404, listed.statusCode());
        assertEquals("failover is not configured on this engine (its config has no failover section)\n", listed.body());
        assertEquals(
                404,
                send("POST", off + "/api/sagas/pair-1:r0:1/approve", Optional.of(TOKEN), "")
                        .statusCode());

        String lonely = serve(() -> Optional.of(List.of()), List.of("127.0.0.1:1"));
        JsonNode root = WireCodec.json()
                .readTree(
                        send("GET", lonely + "/api/sagas", Optional.empty(), "").body());
        assertEquals("127.0.0.1:1", root.path("unreachable").get(0).asText());
        HttpResponse<String> maybeThere =
                send("POST", lonely + "/api/sagas/pair-1:r0:1/approve", Optional.of(TOKEN), "");
        assertEquals(503, maybeThere.statusCode(), "the saga may be on the instance that did not answer");
        assertTrue(maybeThere.body().contains("127.0.0.1:1 did not"), maybeThere.body());
    }
}
