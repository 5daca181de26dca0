package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.ActionType;
import io.vigil.events.FailoverCommand;
import io.vigil.events.WireCodec;
import io.vigil.rules.api.SagasApi;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.failover.FailoverWay;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.Saga;
import io.vigil.rules.failover.SagaPhase;
import io.vigil.rules.failover.SagaStep;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.stream.Engine;
import io.vigil.service.http.HttpEndpoint;
import io.vigil.service.http.ListenAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil sagas, approve and failback against the engine's real sagas API on 127.0.0.1 (commands kept in a list where the engine writes them to Kafka). */
@SuppressWarnings("deprecation")
class SagasCommandTest {
    private static final Instant T0 = Instant.parse("2026-12-04T21:03:07Z");
    private final List<FailoverCommand> written = new CopyOnWriteArrayList<>();
    private HttpEndpoint endpoint;

    private static Saga saga(
            String cluster, long number, SagaPhase phase, Optional<String> held, List<String> leftDown) {
        SagaStep fence = new SagaStep(
                "fence:node-a",
                "node-b",
                ActionType.FENCE,
                Saga.idOf(cluster, "r0", number) + ":fence:node-a:1",
                1,
                SagaStep.StepStatus.SUCCEEDED,
                T0,
                T0.plusSeconds(60),
                Optional.of(0),
                "");
        return new Saga(
                Saga.idOf(cluster, "r0", number),
                cluster,
                "r0",
                number,
                FailoverWay.HOST_LOST,
                "node-a",
                "node-b",
                phase,
                T0,
                T0.plusSeconds(65),
                "node-a silent for 30 s",
                List.of(),
                false,
                false,
                false,
                Map.of(fence.name(), fence),
                List.of("vm1"),
                leftDown,
                held.map(h -> "PEER_CANNOT_WRITE"),
                held,
                held.map(h -> SagaPhase.PROMOTING),
                Optional.empty(),
                List.of(
                        new Saga.PhaseVisit(SagaPhase.DEGRADED, T0),
                        new Saga.PhaseVisit(SagaPhase.FENCING, T0.plusSeconds(2)),
                        new Saga.PhaseVisit(phase, T0.plusSeconds(65))));
    }

    private String serve(List<ResourceFailovers> held) {
        SagasApi api = new SagasApi(
                () -> Optional.of(held),
                List::of,
                written::add,
                Optional.empty(),
                Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC));
        endpoint = HttpEndpoint.serve(
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", 0),
                Map.of("/api/sagas", api.list(), "/api/sagas/", api.approve(), "/api/failback/", api.failback()));
        return endpoint.baseUrl();
    }

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private String onePair() {
        return serve(List.of(new ResourceFailovers(
                2,
                Optional.of(saga("pair-1", 2, SagaPhase.HELD, Optional.of("node-b is not UpToDate"), List.of("vm9"))),
                List.of(saga("pair-1", 1, SagaPhase.HEALTHY, Optional.empty(), List.of())),
                Map.of())));
    }

    @Test
    void listsCurrentSagasWithTheirHistoryAndWithAllTheEndedOnes() {
        String url = onePair();
        CommandOutput table = CommandOutput.run("sagas", "--engine", url);
        assertEquals(0, table.exitCode(), table.err());
        assertEquals("""
                SAGA         PHASE  AGE  WAY        FROM→TO        NOTE
                pair-1:r0:2  Held   10m  host-lost  node-a→node-b  node-b is not UpToDate; left down: vm9
                    Degraded 2026-12-04 21:03:07 → Fencing 2026-12-04 21:03:09 → Held 2026-12-04 21:04:12 (UTC)
                """, table.out());
        CommandOutput berlin = CommandOutput.run("sagas", "--engine", url, "--time-zone", "Europe/Berlin");
        assertTrue(berlin.out().contains("    Degraded 2026-12-04 22:03:07 → "), berlin.out());
        assertTrue(berlin.out().contains("(Europe/Berlin)"), berlin.out());
        CommandOutput all = CommandOutput.run("sagas", "--engine", url, "--all", "--time-zone", "UTC");
        assertTrue(
                all.out()
                        .lines()
                        .anyMatch(l -> l.startsWith(
                                "pair-1:r0:1  Healthy  10m  host-lost  node-a→node-b  node-a silent for 30 s")),
                all.out());
        assertEquals(
                4,
                all.out().lines().count(),
                "a history line under the current saga, none under the ended one: " + all.out());
    }

    @Test
    void printsJson() throws Exception {
        CommandOutput json = CommandOutput.run("sagas", "--engine", onePair(), "--format", "json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode list = WireCodec.json().readTree(json.out());
        assertEquals(1, list.size());
        assertEquals("Held", list.get(0).path("phase").asText());
        assertEquals(
                "succeeded", list.get(0).path("steps").get(0).path("status").asText());
    }

    @Test
    void approvesASagaAndAsksForAFailbackInTheOnlyClusterThatFailsTheResourceOver() {
        String url = onePair();
        CommandOutput approved = CommandOutput.run("approve", "--engine", url, "--by", "alice", "pair-1:r0:2");
        assertEquals(0, approved.exitCode(), approved.err());
        assertTrue(approved.out().startsWith("approval of pair-1:r0:2 (pair-1/r0) sent by alice"), approved.out());
        CommandOutput failback = CommandOutput.run("failback", "--engine", url, "--by", "bob", "r0");
        assertEquals(0, failback.exitCode(), failback.err());
        assertEquals(
                List.of("approve pair-1 r0 pair-1:r0:2 alice", "failback pair-1 r0 pair-1:r0:2 bob"),
                written.stream()
                        .map(c -> c.verb().wire() + " " + c.cluster() + " " + c.resource() + " " + c.sagaId() + " "
                                + c.by())
                        .toList());

        CommandOutput unknown = CommandOutput.run("approve", "--engine", url, "pair-1:r0:9");
        assertEquals(1, unknown.exitCode());
        assertTrue(
                unknown.err().contains("vigil approve: the engine refused (404): no saga pair-1:r0:9"), unknown.err());
        CommandOutput none = CommandOutput.run("failback", "--engine", url, "r7");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no failover of r7 is in progress"), none.err());
        CommandOutput bad = CommandOutput.run("approve", "--engine", url, "-rf");
        assertEquals(2, bad.exitCode(), bad.err());
    }

    /** An endpoint that answers {@code /api/sagas} with {@code sagas} and {@code /api/sagas/...} with {@code other}, 200 both. */
    private String fake(String sagas, String other) {
        endpoint = HttpEndpoint.serve(
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", 0),
                Map.of(
                        "/api/sagas",
                        request -> HttpEndpoint.Reply.text(200, sagas),
                        "/api/sagas/",
                        request -> HttpEndpoint.Reply.text(202, other)));
        return endpoint.baseUrl();
    }

    @Test
    void anAnswerThatIsNotJsonIsOneLineAndExit1() {
        String url = fake("<html>a proxy's page</html>", "accepted");
        for (String[] args : List.of(
                new String[] {"sagas", "--engine", url},
                new String[] {"approve", "--engine", url, "pair-1:r0:2"},
                new String[] {"failback", "--engine", url, "r0"})) {
            CommandOutput run = CommandOutput.run(args);
            assertEquals(1, run.exitCode(), args[0] + ": " + run.err());
            assertEquals(1, run.err().lines().count(), args[0] + ": " + run.err());
            assertTrue(
                    run.err()
                            .startsWith("vigil " + args[0] + ": the engine at " + url + " answered, but not with JSON"),
                    run.err());
        }
    }

    @Test
    void theDefaultByIsNamedWhenUserIsNotAName() {
        String url = onePair();
        String user = System.getProperty("user.name");
        System.setProperty("user.name", "j.doe@corp");
        try {
            for (String[] args : List.of(
                    new String[] {"approve", "--engine", url, "pair-1:r0:2"},
                    new String[] {"failback", "--engine", url, "r0"})) {
                CommandOutput run = CommandOutput.run(args);
                assertEquals(2, run.exitCode(), run.err());
                assertEquals(
                        "vigil " + args[0]
                                + ": --by defaults to $USER ('j.doe@corp'), which is not a name; pass --by\n",
                        run.err());
            }
            assertEquals(
                    0,
                    CommandOutput.run("approve", "--engine", url, "--by", "jdoe", "pair-1:r0:2")
                            .exitCode());
        } finally {
            System.setProperty("user.name", user);
        }
    }

    @Test
    void columnsStayAlignedWhenAFieldHasControlCharactersShown() {
        String url = fake(
                "{\"sagas\": [{\"sagaId\": \"pair-1:r0:1\", \"current\": false, \"phase\": \"Held\\u001b[2J\", \"age\": \"1m\","
                        + " \"way\": \"host-lost\", \"failing\": \"node-a\", \"survivor\": \"node-b\", \"reason\": \"r\"},"
                        + " {\"sagaId\": \"pair-2:r0:1\", \"current\": false, \"phase\": \"Held\", \"age\": \"1m\", \"way\": \"host-lost\","
                        + " \"failing\": \"node-a\", \"survivor\": \"node-b\", \"reason\": \"r\"}]}",
                "");
        CommandOutput run = CommandOutput.run("sagas", "--engine", url, "--all");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(1).contains("Held\\x1b[2J  1m"), run.out());
        assertEquals(lines.get(0).indexOf("AGE"), lines.get(1).indexOf("1m"), run.out());
        assertEquals(lines.get(0).indexOf("AGE"), lines.get(2).indexOf("1m"), run.out());
    }

    @Test
    void failbackAsksWhichClusterWhenSeveralFailTheResourceOver() {
        String url = serve(List.of(
                new ResourceFailovers(
                        1,
                        Optional.of(saga("pair-1", 1, SagaPhase.FAILED_OVER, Optional.empty(), List.of())),
                        List.of(),
                        Map.of()),
                new ResourceFailovers(
                        1,
                        Optional.of(saga("pair-2", 1, SagaPhase.FAILED_OVER, Optional.empty(), List.of())),
                        List.of(),
                        Map.of())));
        CommandOutput ambiguous = CommandOutput.run("failback", "--engine", url, "r0");
        assertEquals(2, ambiguous.exitCode());
        assertTrue(
                ambiguous.err().contains("r0 is failing over in pair-1, pair-2: say which with --cluster"),
                ambiguous.err());
        assertEquals(
                0,
                CommandOutput.run("failback", "--engine", url, "--cluster", "pair-2", "r0")
                        .exitCode());
        assertEquals("pair-2", written.get(0).cluster());
    }

    @Test
    void anEngineWithoutFailoverSaysSo(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("engine.token");
        Files.writeString(token, "s3cret\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Engine engine = Engine.start(
                        new EngineConfig(
                                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                                "sagas-cli",
                                dir.resolve("state"),
                                1,
                                List.of(),
                                Roster.empty(),
                                EngineConfig.Defaults.TOPICS,
                                EngineTiming.DEFAULTS,
                                new EngineConfig.Http(
                                        new ListenAddress("127.0.0.1", 0), Optional.empty(), Optional.of(token))),
                        DefaultRulePack.load(),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            org.junit.jupiter.api.Assertions.assertTrue(engine.awaitRunning(Duration.ofSeconds(60)));
            CommandOutput sagas = CommandOutput.run("sagas", "--engine", engine.apiUrl());
            assertEquals(1, sagas.exitCode());
            assertTrue(
                    sagas.err()
                            .contains(
                                    "vigil sagas: the engine refused (404): failover is not configured on this engine"),
                    sagas.err());
            CommandOutput approve = CommandOutput.run("approve", "--engine", engine.apiUrl(), "pair-1:r0:1");
            assertTrue(approve.err().contains("(401)"), "the token is asked first: " + approve.err());
        }
    }
}
