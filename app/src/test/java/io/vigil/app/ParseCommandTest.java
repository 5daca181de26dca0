package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.EnvelopeCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParseCommandTest {
    /** Real tool output kept with the parsers' tests (attribution in SOURCES.md / README.md there). */
    private static final Path FIXTURES = Path.of("..", "collectors", "src", "test", "resources");

    private static List<JsonNode> lines(String out) throws Exception {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String line : out.strip().split("\n")) {
            nodes.add(EnvelopeCodec.json().readTree(line));
        }
        return nodes;
    }

    @Test
    void printsTheEventsTheAgentWouldPublishForRealProcDrbd() throws Exception {
        CommandOutput run = CommandOutput.run(
                "parse",
                "proc-drbd",
                FIXTURES.resolve("drbd/ganeti_proc_drbd84_sync.txt").toString());
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> events = lines(run.out());
        assertTrue(events.stream().allMatch(e -> e.get("kind").asText().equals("drbd")), run.out());
        assertTrue(run.out().contains("\"connection\":\"StandAlone\""), run.out());
        assertTrue(run.out().contains("\"replication\":\"SyncSource\""), run.out());
    }

    @Test
    void readsRealVirshAndSmartctlOutput() throws Exception {
        CommandOutput virsh = CommandOutput.run(
                "parse",
                "virsh-list",
                FIXTURES.resolve("vm/real-virsh-list-node.txt").toString());
        assertEquals(0, virsh.exitCode(), virsh.err());
        assertTrue(
                lines(virsh.out()).stream().allMatch(e -> e.get("kind").asText().equals("vm")));
        CommandOutput smart = CommandOutput.run(
                "parse",
                "smartctl",
                FIXTURES.resolve("smart/real-vda-no-smart.json").toString());
        assertEquals(0, smart.exitCode(), smart.err());
        assertEquals("disk", lines(smart.out()).get(0).get("kind").asText());
    }

    @Test
    void reportsBadLinesWithTheirNumberAndKeepsTheGoodOnes(@TempDir Path dir) throws Exception {
        String good = "exists resource name:r0 role:Primary suspended:no write-ordering:flush\n";
        Path file = dir.resolve("events2.txt");
        Files.writeString(
                file,
                good
                        + "exists device name:r0 volume:0 minor:0 disk:Sparkly client:no quorum:yes\n"
                        + "exists connection name:r0 peer-node-id:1 conn-name:node-b connection:Connected role:Secondary\n"
                        + "exists -\n");
        CommandOutput run = CommandOutput.run("parse", "drbd-events2", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains(file + ":2"), run.err());
        assertTrue(run.err().contains("Sparkly"), run.err());
        JsonNode r0 = lines(run.out()).get(0).get("body");
        assertEquals("r0", r0.get("resource").asText());
        assertEquals("Connected", r0.get("connections").get(0).get("connection").asText());
    }

    @Test
    void exitsNonZeroWhenNothingCouldBeRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("garbage.json");
        Files.writeString(file, "{\"json_format_version\": [1, 0], \"smartctl\": {\"ver");
        CommandOutput run = CommandOutput.run("parse", "smartctl", file.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().isEmpty(), run.out());
        assertTrue(run.err().contains("nothing in " + file), run.err());
    }

    @Test
    void aHostWithNothingToReportIsReadNotUnreadable(@TempDir Path dir) throws Exception {
        // drbd-utils' tests/v9/events2-no-resources.test: drbdsetup events2 --now with no resource
        Path noResources = dir.resolve("events2-none.txt");
        Files.writeString(noResources, "exists -\n");
        Path noDomains = dir.resolve("virsh-none.txt");
        Files.writeString(noDomains, " Id   Name   State\n--------------------\n\n");
        List<CommandOutput> runs = List.of(
                CommandOutput.run("parse", "drbd-events2", noResources.toString()),
                CommandOutput.run("parse", "virsh-list", noDomains.toString()),
                CommandOutput.run(
                        "parse",
                        "xl-list",
                        FIXTURES.resolve("vm/public/archwiki_xl-list-dom0-only.txt")
                                .toString()));
        for (CommandOutput run : runs) {
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().isEmpty(), run.out());
            assertTrue(run.err().contains("lists nothing to publish"), run.err());
        }
    }

    @Test
    void namesTheKindsWhenGivenAnUnknownOne() {
        CommandOutput run = CommandOutput.run("parse", "iostat", "x");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("drbd-events2, proc-drbd, smartctl, lvs, vgs, virsh-list, xl-list"), run.err());
    }

    @Test
    void readsDrbd84Events2WhoseLinesHaveNoPeerNodeId() throws Exception {
        CommandOutput run = CommandOutput.run(
                "parse",
                "drbd-events2",
                FIXTURES.resolve("drbd/drbdtop_events2-84.txt").toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().isEmpty(), run.err());
        List<JsonNode> events = lines(run.out());
        JsonNode peer =
                events.get(events.size() - 1).get("body").get("connections").get(0);
        assertEquals("peer", peer.get("peer").asText());
        assertEquals(0, peer.get("peerNodeId").asInt());
        assertEquals(
                "SyncSource", peer.get("peerDevices").get(0).get("replication").asText());
    }

    @Test
    void aProcDrbdLineItCannotReadLosesThatLineNotTheDevice(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proc_drbd");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "version: 8.4.11 (api:1/proto:86-101)",
                        " 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----",
                        "    ns:0 nr:460288 dw:460160 dr:0 al:0 bm:28 lo:2 pe:4 ua:1 ap:0 ep:1 wo:f oos:588416",
                        "\t[==============>.....] resynced: 74.3% (2632/10232)M",
                        "\tfinish: 0:00:08 speed: 65,736 (65,736) want: 61,440 K/sec",
                        ""));

        CommandOutput run = CommandOutput.run("parse", "proc-drbd", file.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains(file + ":4: minor 0: line skipped"), run.err());
        JsonNode minor0 = lines(run.out()).get(0).get("body");
        assertEquals("minor-0", minor0.get("resource").asText());
        assertEquals(
                "SyncTarget",
                minor0.get("connections")
                        .get(0)
                        .get("peerDevices")
                        .get(0)
                        .get("replication")
                        .asText());
    }

    @Test
    void hintsAtDrbdEvents2ForADrbd9ProcDrbd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proc_drbd");
        Files.writeString(
                file,
                "version: 9.2.12 (api:2/proto:86-122)\n"
                        + "GIT-hash: 1d8cbba8a9a8b1a1b1b1b1b1b1b1b1b1b1b1b1b1 build by root@node-a, 2024-11-04 10:00:00\n"
                        + "Transports (api:21): tcp (9.2.12)\n");

        CommandOutput run = CommandOutput.run("parse", "proc-drbd", file.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(file + ":1:"), run.err());
        assertTrue(run.err().contains("vigil parse drbd-events2"), run.err());
    }

    @Test
    void readsLvsCapturedWithTheDefaultColumns() throws Exception {
        CommandOutput run = CommandOutput.run(
                "parse", "lvs", FIXTURES.resolve("lvm/lvs-default-columns.json").toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().isEmpty(), run.err());
        JsonNode volumes = lines(run.out()).get(0).get("body").get("logicalVolumes");
        assertEquals(4, volumes.size(), run.out());
        assertEquals(12.5, volumes.get(3).get("snapshotPercent").asDouble(), run.out());
    }
}
