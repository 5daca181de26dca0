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
        CommandOutput run = CommandOutput.run("parse", "proc-drbd", FIXTURES.resolve("drbd/ganeti_proc_drbd84_sync.txt").toString());
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> events = lines(run.out());
        assertTrue(events.stream().allMatch(e -> e.get("kind").asText().equals("drbd")), run.out());
        assertTrue(run.out().contains("\"connection\":\"StandAlone\""), run.out());
        assertTrue(run.out().contains("\"replication\":\"SyncSource\""), run.out());
    }

    @Test
    void readsRealVirshAndSmartctlOutput() throws Exception {
        CommandOutput virsh = CommandOutput.run("parse", "virsh-list", FIXTURES.resolve("vm/real-virsh-list-node.txt").toString());
        assertEquals(0, virsh.exitCode(), virsh.err());
        assertTrue(lines(virsh.out()).stream().allMatch(e -> e.get("kind").asText().equals("vm")));
        CommandOutput smart = CommandOutput.run("parse", "smartctl", FIXTURES.resolve("smart/real-vda-no-smart.json").toString());
        assertEquals(0, smart.exitCode(), smart.err());
        assertEquals("disk", lines(smart.out()).get(0).get("kind").asText());
    }

    @Test
    void reportsBadLinesWithTheirNumberAndKeepsTheGoodOnes(@TempDir Path dir) throws Exception {
        String good = "exists resource name:r0 role:Primary suspended:no write-ordering:flush\n";
        Path file = dir.resolve("events2.txt");
        Files.writeString(file, good
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
    void namesTheKindsWhenGivenAnUnknownOne() {
        CommandOutput run = CommandOutput.run("parse", "iostat", "x");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("drbd-events2, proc-drbd, smartctl, lvs, vgs, virsh-list, xl-list"), run.err());
    }

    @Test
    void readsDrbd84Events2WhoseLinesHaveNoPeerNodeId() throws Exception {
        CommandOutput run = CommandOutput.run("parse", "drbd-events2", FIXTURES.resolve("drbd/drbdtop_events2-84.txt").toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().isEmpty(), run.err());
        List<JsonNode> events = lines(run.out());
        JsonNode peer = events.get(events.size() - 1).get("body").get("connections").get(0);
        assertEquals("peer", peer.get("peer").asText());
        assertEquals(0, peer.get("peerNodeId").asInt());
        assertEquals("SyncSource", peer.get("peerDevices").get(0).get("replication").asText());
    }
}
