package io.vigil.lab.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.sim.FaultOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterScreenTest {
    private static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");

    @Test
    void wireTextReachesTheScreenWithItsControlCharactersShownNotSent() {
        String hostile = "disk gone\u001b[2J\u001b]0;owned\u0007\nnext line";
        Map<String, String> labels = Map.of(
                "alertname",
                "DiskGone",
                "cluster",
                "pair-1",
                "node",
                "node-a",
                "severity",
                "critical",
                "device",
                "/dev/sda\u001b[31m");
        AlertBoard board = new AlertBoard();
        board.accept(new Alert(
                Alert.VERSION,
                AlertLabels.fingerprint(labels),
                "DiskGone",
                AlertState.FIRING,
                1,
                AlertChange.STATE,
                labels,
                Map.of("summary", hostile),
                T0,
                Optional.of(T0),
                Optional.empty(),
                T0.plusSeconds(240),
                T0,
                false,
                false,
                List.of(),
                List.of(),
                Optional.empty()));
        PageLog pages = new PageLog();
        pages.add(T0, "[FIRING:1] critical pair-1: " + hostile);
        String screen = ClusterScreen.render(new ClusterPicture(), board, pages, T0.plusSeconds(5));
        assertTrue(screen.indexOf('\u001b') < 0 && screen.indexOf('\u0007') < 0, screen);
        assertTrue(screen.contains("disk gone\\x1b[2J\\x1b]0;owned\\x07\\x0anext line, for 5s"), screen);
        assertTrue(screen.contains("/dev/sda\\x1b[31m"), screen);
        assertTrue(
                screen.contains("critical pair-1: disk gone\\x1b[2J\\x1b]0;owned\\x07\n             next line"),
                "a notification keeps its lines: " + screen);
    }

    @Test
    void eachResourceShowsItsLatestSagaWithItsPhaseAndAgeAsTheAuditTrailTellsIt() {
        SagaBoard sagas = new SagaBoard();
        sagas.accept(audit(
                "pair-1:r0:1",
                "r0",
                0,
                "Degraded",
                "live evacuation of r0 from node-a to node-b: node-a lost its disk"));
        sagas.accept(audit("pair-1:r0:1", "r0", 1, "MakingRoom", "MakingRoom: live evacuation begins"));
        sagas.accept(audit("pair-1:r0:1", "r0", 9, "Evacuating", "Evacuating: room made on node-b for 2 VMs"));
        sagas.accept(audit(
                "pair-1:r0:1",
                "r0",
                10,
                "Evacuating",
                "sent pair-1:r0:1:migrate:web:1 (vm-migrate-live r0 web -> node-b" + " on node-a)\u001b[2J"));
        sagas.accept(audit("pair-1:r1:4", "r1", 2, "Healthy", "Healthy: the failure cleared before anything was done"));
        // an earlier saga of r0 read late does not hide the present one
        sagas.accept(audit("pair-1:r0:0", "r0", -60, "Healthy", "Healthy"));

        String screen = ClusterScreen.render(
                new ClusterPicture(), new AlertBoard(), sagas, new PageLog(), new FaultLog(), T0.plusSeconds(12));
        assertTrue(screen.contains("== failovers (read back from vigil.audit): 2"), screen);
        assertTrue(
                screen.contains(
                        "pair-1/r0  Evacuating        saga pair-1:r0:1  12s (in phase 3s)  sent pair-1:r0:1:migrate:web:1"
                                + " (vm-migrate-live r0 web -> node-b on node-a)\\x1b[2J"),
                screen);
        assertTrue(screen.contains("pair-1/r1  Healthy           saga pair-1:r1:4  10s (in phase 10s)"), screen);
        assertTrue(screen.indexOf('\u001b') < 0, "wire text shown, not sent: " + screen);

        JsonNode r0 = LabSummary.of(
                        new ClusterPicture(),
                        new AlertBoard(),
                        sagas,
                        new PageLog(),
                        new FaultLog(),
                        Duration.ofSeconds(12))
                .get("sagas")
                .get("pair-1/r0");
        assertEquals("pair-1:r0:1", r0.get("sagaId").asText());
        assertEquals("Evacuating", r0.get("phase").asText());
        assertEquals(T0.toString(), r0.get("startedAt").asText());
        assertEquals(T0.plusSeconds(9).toString(), r0.get("phaseSince").asText());
    }

    @Test
    void anOutOfSyncFigureTheAgentDidNotReportIsShownAsUnknownNotAsInSync() {
        io.vigil.events.DrbdResource.DrbdPeerDevice syncing = new io.vigil.events.DrbdResource.DrbdPeerDevice(
                0,
                io.vigil.events.ReplicationState.SYNC_TARGET,
                io.vigil.events.DiskState.UP_TO_DATE,
                false,
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(37.5),
                Optional.empty(),
                Optional.empty());
        io.vigil.events.DrbdResource r0 = new io.vigil.events.DrbdResource(
                "r0",
                io.vigil.events.DrbdRole.SECONDARY,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(),
                List.of(new io.vigil.events.DrbdResource.DrbdConnection(
                        "peer",
                        -1,
                        io.vigil.events.ConnectionState.CONNECTED,
                        io.vigil.events.DrbdRole.PRIMARY,
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        List.of(syncing),
                        io.vigil.events.DrbdResource.ReplicationLatency.UNMEASURED)));

        String line = ClusterScreen.resourceLine(r0);

        assertTrue(line.contains("vol0:SyncTarget/UpToDate 37.5% oos unknown"), line);
    }

    @Test
    void aVmsMemoryAndVcpusTheAgentCouldNotReadAreUnknownNotZero() {
        io.vigil.events.VmStatus known = new io.vigil.events.VmStatus(
                "web",
                Optional.empty(),
                io.vigil.events.Hypervisor.LIBVIRT,
                io.vigil.events.VmState.RUNNING,
                Optional.of(2L << 30),
                Optional.of(4L << 30),
                Optional.of(2),
                Optional.of("r0"),
                io.vigil.events.Liveness.NOT_CHECKED,
                Optional.empty());
        io.vigil.events.VmStatus unknown = new io.vigil.events.VmStatus(
                "web",
                Optional.empty(),
                io.vigil.events.Hypervisor.LIBVIRT,
                io.vigil.events.VmState.RUNNING,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("r0"),
                io.vigil.events.Liveness.NOT_CHECKED,
                Optional.empty());

        assertEquals("vm web        running   2.0 GiB, 2 vCPU, on r0", ClusterScreen.vmLine(known));
        assertEquals("vm web        running   memory unknown, vCPUs unknown, on r0", ClusterScreen.vmLine(unknown));
    }

    @Test
    void noFailoverYetSaysSo() {
        String screen = ClusterScreen.render(
                new ClusterPicture(), new AlertBoard(), new SagaBoard(), new PageLog(), new FaultLog(), T0);
        assertTrue(screen.contains("== failovers (read back from vigil.audit): none yet"), screen);
    }

    private static AuditEntry audit(String saga, String resource, int atSecond, String phase, String text) {
        return new AuditEntry(
                "pair-1",
                saga,
                resource,
                T0.plusSeconds(atSecond),
                AuditKind.DECISION,
                phase,
                text,
                List.of(),
                Optional.empty());
    }

    @Test
    void aRefusedFaultIsListedOnTheScreenAndInTheSummaryNotDropped() {
        FaultLog faults = new FaultLog();
        for (int i = 0; i < 6; i++) {
            faults.add(
                    Duration.ofSeconds(i),
                    "link-" + (i % 2 == 0 ? "cut" : "restore"),
                    new FaultOutcome(true, "done " + i));
        }
        faults.add(
                Duration.ofSeconds(28),
                "disk-replace node-b /dev/sda",
                new FaultOutcome(false, "/dev/sda on node-b has not failed; nothing to replace"));
        faults.add(
                Duration.ofSeconds(29),
                "host-down node-a\u001b[2J",
                new FaultOutcome(false, "no host 'node-a\\x1b[2J' in the lab"));

        String screen = ClusterScreen.render(
                new ClusterPicture(), new AlertBoard(), new SagaBoard(), new PageLog(), faults, T0);
        assertTrue(screen.contains("== faults: 6 applied, 2 refused"), screen);
        assertTrue(
                screen.contains(
                        "at   28s  REFUSED  disk-replace node-b /dev/sda: /dev/sda on node-b has not failed; nothing to replace"),
                screen);
        assertTrue(screen.contains("REFUSED  host-down node-a\\x1b[2J"), screen);
        assertTrue(
                screen.contains("applied  link-restore: done 5") && !screen.contains("done 1"),
                "the last applied ones: " + screen);

        JsonNode summary = LabSummary.of(
                        new ClusterPicture(),
                        new AlertBoard(),
                        new SagaBoard(),
                        new PageLog(),
                        faults,
                        Duration.ofSeconds(30))
                .get("faults");
        assertEquals(6, summary.get("applied").asInt());
        assertEquals(2, summary.get("refused").asInt());
        JsonNode refused = summary.get("each").get(6);
        assertEquals(28.0, refused.get("atSeconds").asDouble());
        assertEquals("disk-replace node-b /dev/sda", refused.get("fault").asText());
        assertFalse(refused.get("applied").asBoolean());
        assertTrue(refused.get("message").asText().contains("has not failed"));
    }
}
