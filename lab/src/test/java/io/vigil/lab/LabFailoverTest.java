package io.vigil.lab;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.executor.ActionKey;
import io.vigil.events.Action;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionSeals;
import io.vigil.events.ActionType;
import io.vigil.events.DecodeException;
import io.vigil.events.WireCodec;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedPair;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live lab runs the failover for real: the engine on the real broker decides, the agents'
 * production executors run the actions against the simulated hosts, on the wall clock.
 */
class LabFailoverTest {
    /** The saga takes a few seconds here (a dozen steps, each a round trip through Kafka); the bound is for a shared machine. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

    @Test
    void aDiskLostOnNodeALiveMigratesWebAndMailToNodeBWithoutARestartAndTheSagaIsListed(@TempDir Path dir)
            throws Exception {
        try (Lab lab = Lab.start(dir)) {
            LabRestartTest.awaitSettled(lab);
            // the VMs' places reached Kafka, so the engine reads them before the failure: a saga that has no report of
            // a VM
            // starts it cold on the survivor (FailoverSaga.moveOne) instead of moving it, which the simulator refuses
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> vmsReported(lab, "node-a") && vmsReported(lab, "node-b"));
            SimulatedPair pair = lab.pair();
            int webBoots = pair.boots("web");
            int mailBoots = pair.boots("mail");
            FaultOutcome failed = lab.inject("disk-fail node-a /dev/sda");
            assertTrue(failed.applied(), failed.message());
            await().atMost(FAILOVER_BOUND)
                    .until(() -> pair.hostsRunning("web").equals(List.of("node-b"))
                            && pair.hostsRunning("mail").equals(List.of("node-b"))
                            && pair.primariesOf("r0").equals(List.of("node-b")));
            assertEquals(webBoots, pair.boots("web"), "web was live-migrated, not restarted");
            assertEquals(mailBoots, pair.boots("mail"), "mail was live-migrated, not restarted");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> saga(lab, "pair-1:r0:1").isPresent());
            JsonNode saga = saga(lab, "pair-1:r0:1").orElseThrow();
            assertEquals("node-a", saga.path("failing").asText(), saga.toString());
            assertEquals("node-b", saga.path("survivor").asText(), saga.toString());
            assertTrue(
                    StreamSupport.stream(saga.path("history").spliterator(), false)
                            .anyMatch(v -> v.path("phase").asText().equals("Evacuating")),
                    saga.toString());
            // and the lab's screen has it from vigil.audit, in the phase the engine wrote last
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String phase =
                        saga(lab, "pair-1:r0:1").orElseThrow().path("phase").asText();
                return lab.sagas().all().stream()
                        .anyMatch(l -> l.resource().equals("r0")
                                && l.sagaId().equals("pair-1:r0:1")
                                && l.phase().equals(phase));
            });
        }
    }

    @Test
    void eachNodesKeyAndTheTokenAreMadeOwnerOnlyOnceAndKeptForALabStartedAgainOnTheSameDataDir(@TempDir Path dir)
            throws Exception {
        LabFailover first = LabFailover.in(dir);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        assertEquals(ownerOnly, Files.getPosixFilePermissions(first.apiToken()));
        String token = Files.readString(first.apiToken());
        Map<String, String> keys = new TreeMap<>();
        for (String node : List.of("node-a", "node-b")) {
            Path key = first.actionKey(node);
            assertEquals(dir.resolve("action-keys").resolve(node + ".key"), key, "as the engine's key_dir holds it");
            assertEquals(ownerOnly, Files.getPosixFilePermissions(key));
            keys.put(node, Files.readString(key));
            assertTrue(keys.get(node).strip().length() >= 32, "at least the 32 bytes a key needs");
            assertNotEquals(token, keys.get(node), "two secrets, not one");
        }
        assertNotEquals(keys.get("node-a"), keys.get("node-b"), "each agent holds its own node's key");
        Files.setPosixFilePermissions(first.apiToken(), PosixFilePermissions.fromString("rw-r--r--"));
        LabFailover again = LabFailover.in(dir);
        assertEquals(token, Files.readString(again.apiToken()), "a terminal that read the token keeps working");
        for (String node : keys.keySet()) {
            assertEquals(
                    keys.get(node),
                    Files.readString(again.actionKey(node)),
                    "actions sealed before the restart still open");
        }
        assertEquals(ownerOnly, Files.getPosixFilePermissions(again.apiToken()), "narrowed back to its owner");
        Files.writeString(again.apiToken(), "\n");
        assertFalse(Files.readString(LabFailover.in(dir).apiToken()).isBlank(), "an empty token file is made anew");
    }

    @Test
    void theLabsEngineSealsEachNodesActionsWithTheKeyOnlyThatNodesAgentHolds(@TempDir Path dir) throws Exception {
        LabFailover files = LabFailover.in(dir);
        ActionSeals seals = files.engineSection().seals();
        assertTrue(seals instanceof ActionSeals.PerNode, "the lab shows the recommended setup: " + seals);
        for (String node : List.of("node-a", "node-b")) {
            AgentConfig agent = Lab.agentConfig(
                    node, "127.0.0.1:9", dir.resolve("spool-" + node), files, dir.resolve("journal-" + node));
            assertEquals(
                    Optional.of(new ActionKey.File(files.actionKey(node).toAbsolutePath())),
                    agent.executor().key(),
                    node + "'s agent is given its own node's key");
        }
        Action forB = new Action(
                "pair-1:r0:1:promote:node-b:1",
                "pair-1:r0:1",
                "pair-1",
                "node-b",
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Instant.now(),
                Instant.now().plusSeconds(60));
        byte[] sealed = seals.seal(forB);
        assertEquals(
                forB,
                ActionSeal.ofKeyText(Files.readString(files.actionKey("node-b")))
                        .open(sealed));
        assertThrows(
                DecodeException.class,
                () -> ActionSeal.ofKeyText(Files.readString(files.actionKey("node-a")))
                        .open(sealed),
                "node-a's key does not open an action for node-b");
    }

    static boolean vmsReported(Lab lab, String node) {
        return lab.picture().host("pair-1", node).map(h -> !h.vms().isEmpty()).orElse(false);
    }

    /** The saga of that id as GET /api/sagas lists it (the list needs no token; commands do). */
    private static Optional<JsonNode> saga(Lab lab, String id) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(lab.engine().apiUrl() + "/api/sagas"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return StreamSupport.stream(
                        WireCodec.json().readTree(answer.body()).path("sagas").spliterator(), false)
                .filter(s -> s.path("sagaId").asText().equals(id))
                .findFirst();
    }
}
