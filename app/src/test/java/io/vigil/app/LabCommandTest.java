package io.vigil.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.EnvelopeCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole lab, unattended: a real broker, the simulated pair, two agents, a fault, the summary. */
class LabCommandTest {
    @Test
    void anUnattendedRunSumsUpWhatKafkaSawIncludingAnInjectedDiskFailure(@TempDir Path dir) throws Exception {
        CommandOutput run = CommandOutput.run("lab", "--duration", "16s", "--json", "--data-dir", dir.toString(),
                "--fault", "4s=disk-fail node-a /dev/sda");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = EnvelopeCodec.json().readTree(run.out());
        JsonNode a = summary.get("hosts").get("node-a");
        JsonNode b = summary.get("hosts").get("node-b");
        for (JsonNode host : new JsonNode[] {a, b}) {
            for (String kind : new String[] {"heartbeat", "drbd", "disk", "lvm", "vm"}) {
                assertTrue(host.get("eventsByKind").get(kind).asLong() > 0, kind + " events in " + host);
            }
            assertEquals("vg0", host.get("volumeGroups").fieldNames().next());
        }
        // node-a's disk under r0 died: DRBD detached it, and its peer sees the peer disk gone
        JsonNode r0OnA = a.get("resources").get("r0");
        assertEquals("Primary", r0OnA.get("role").asText());
        assertEquals("Diskless", r0OnA.get("devices").get(0).get("disk").asText());
        JsonNode r0OnB = b.get("resources").get("r0");
        assertEquals("UpToDate", r0OnB.get("devices").get(0).get("disk").asText());
        assertEquals("Diskless", r0OnB.get("connections").get(0).get("peerDevices").get(0).get("peerDisk").asText());
        // the VMs stayed where they were: failover is not built yet
        assertEquals("running", a.get("vms").get("web").get("state").asText());
        assertFalse(a.get("vms").has("db"), "node-b's VMs are not reported missing on node-a");
        // the engine, running the default rule pack, pages for the lost disk; the peer's degraded view is inhibited
        JsonNode firing = summary.get("alerts").get("firing");
        JsonNode lost = find(firing, "DrbdLocalDiskLost", "node-a", "r0");
        assertEquals("critical", lost.get("labels").get("severity").asText());
        assertTrue(lost.get("failover").asBoolean());
        assertEquals(0, lost.get("inhibitedBy").size());
        JsonNode degraded = find(firing, "DrbdDegraded", "node-b", "r0");
        assertEquals(1, degraded.get("inhibitedBy").size(), degraded.toString());
        assertTrue(find(firing, "DiskSmartFailing", "node-a", null).get("annotations").get("summary").asText().contains("/dev/sda"));
        // and the notifier told the lab's screen receiver, without the muted one
        List<String> told = new java.util.ArrayList<>();
        summary.get("notifications").forEach(n -> told.add(n.get("text").asText()));
        assertTrue(told.stream().anyMatch(t -> t.startsWith("[FIRING:2] critical pair-1: node-a lost the disk under r")), told.toString());
        assertTrue(told.stream().noneMatch(t -> t.contains("DrbdDegraded")), "inhibited alerts page nobody: " + told);
    }

    private static JsonNode find(JsonNode alerts, String rule, String node, String resource) {
        for (JsonNode a : alerts) {
            if (a.get("rule").asText().equals(rule) && a.get("labels").get("node").asText().equals(node)
                    && (resource == null || resource.equals(a.get("labels").path("resource").asText()))) {
                return a;
            }
        }
        throw new AssertionError("no firing " + rule + " on " + node + " " + resource + " in " + alerts);
    }

    @Test
    void aSigtermPrintsTheSummaryAndRemovesTheTemporaryDataBeforeTheJvmEnds(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = tmp.resolve("out.json");
        Path err = tmp.resolve("err.log");
        Path labTmp = Files.createDirectory(tmp.resolve("tmp"));
        Process lab = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + labTmp,
                "-cp", System.getProperty("java.class.path"), Vigil.class.getName(), "lab", "--json", "--duration", "60s")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !lab.isAlive() || Files.readString(err).contains("lab started"));
            assertTrue(lab.isAlive(), Files.readString(err));
            lab.destroy(); // SIGTERM
            assertTrue(lab.waitFor(60, TimeUnit.SECONDS), "the lab did not end within 60 s of SIGTERM");
        } finally {
            lab.destroyForcibly();
        }
        String log = Files.readString(err);
        assertTrue(log.contains("lab stopped"), log);
        JsonNode summary = EnvelopeCodec.json().readTree(Files.readString(out));
        assertTrue(summary.has("hosts") && summary.has("alerts"), summary.toString());
        try (Stream<Path> left = Files.list(labTmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("vigil-lab-")).toList());
        }
    }

    @Test
    void refusesAMalformedFaultScheduleBeforeStartingAnything() {
        CommandOutput run = CommandOutput.run("lab", "--duration", "5s", "--fault", "disk-fail node-a /dev/sda");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("expected AT=FAULT"), run.err());
        CommandOutput badDuration = CommandOutput.run("lab", "--duration", "soon");
        assertEquals(2, badDuration.exitCode());
        assertTrue(badDuration.err().contains("soon"), badDuration.err());
    }
}
