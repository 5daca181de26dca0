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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole lab, unattended: a real broker, the simulated pair, two agents, a fault, the summary. */
class LabCommandTest {
    @Test
    void anUnattendedRunSumsUpWhatKafkaSawIncludingAnInjectedDiskFailure(@TempDir Path dir) throws Exception {
        CommandOutput run = CommandOutput.run(
                "lab",
                "--duration",
                "16s",
                "--json",
                "--data-dir",
                dir.toString(),
                "--fault",
                "4s=disk-fail node-a /dev/sda");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = EnvelopeCodec.json().readTree(run.out());
        JsonNode a = summary.get("hosts").get("pair-1/node-a");
        JsonNode b = summary.get("hosts").get("pair-1/node-b");
        for (JsonNode host : new JsonNode[] {a, b}) {
            for (String kind : new String[] {"heartbeat", "drbd", "disk", "lvm", "vm"}) {
                assertTrue(host.get("eventsByKind").get(kind).asLong() > 0, kind + " events in " + host);
            }
            assertEquals("vg0", host.get("volumeGroups").fieldNames().next());
        }
        // node-a's disk under r0 died: DRBD detached it; the failover moved r0's VMs to node-b, made it r0's only
        // Primary
        JsonNode r0OnA = a.get("resources").get("r0");
        assertEquals("Secondary", r0OnA.get("role").asText(), "node-a demoted once its VMs left");
        assertEquals("Diskless", r0OnA.get("devices").get(0).get("disk").asText());
        JsonNode r0OnB = b.get("resources").get("r0");
        assertEquals("Primary", r0OnB.get("role").asText());
        assertEquals("UpToDate", r0OnB.get("devices").get(0).get("disk").asText());
        assertEquals(
                "Diskless",
                r0OnB.get("connections")
                        .get(0)
                        .get("peerDevices")
                        .get(0)
                        .get("peerDisk")
                        .asText());
        assertEquals("running", b.get("vms").get("web").get("state").asText(), "web runs on node-b");
        assertEquals("shut-off", a.get("vms").get("web").get("state").asText(), "and no longer on node-a");
        assertEquals(
                "pair-1:r0:1",
                summary.get("sagas").get("pair-1/r0").get("sagaId").asText(),
                summary.get("sagas").toString());
        // every VM is defined on both hosts (so that it can move), and runs on one: node-b's VMs are shut off on
        // node-a, not missing
        assertEquals(
                "shut-off",
                a.get("vms").get("db").get("state").asText(),
                "node-b's VMs are not reported missing on node-a");
        // the engine, running the default rule pack, pages for the lost disk; the peer's degraded view is inhibited
        JsonNode firing = summary.get("alerts").get("firing");
        JsonNode lost = find(firing, "DrbdLocalDiskLost", "node-a", "r0");
        assertEquals("critical", lost.get("labels").get("severity").asText());
        assertTrue(lost.get("failover").asBoolean());
        assertEquals(0, lost.get("inhibitedBy").size());
        JsonNode degraded = find(firing, "DrbdDegraded", "node-b", "r0");
        assertEquals(1, degraded.get("inhibitedBy").size(), degraded.toString());
        assertTrue(find(firing, "DiskSmartFailing", "node-a", null)
                .get("annotations")
                .get("summary")
                .asText()
                .contains("/dev/sda"));
        // and the notifier told the lab's screen receiver, without the muted one
        List<String> told = new java.util.ArrayList<>();
        summary.get("notifications").forEach(n -> told.add(n.get("text").asText()));
        assertTrue(
                told.stream().anyMatch(t -> t.startsWith("[FIRING:2] critical pair-1: node-a lost the disk under r")),
                told.toString());
        assertTrue(told.stream().noneMatch(t -> t.contains("DrbdDegraded")), "inhibited alerts page nobody: " + told);
    }

    /**
     * Issue 7's schedule, on the wall clock: node-a's disk dies and is replaced; while node-a
     * resyncs from node-b, node-b's disk dies and is replaced too. No UpToDate copy is left: both
     * sides end Inconsistent with nothing resyncing, and the engine pages for it. A fault that the
     * simulator refuses when it is due (the disk was just replaced) is reported, not dropped.
     */
    @Test
    void overlappingDiskFailuresOnBothNodesEndWithNoUpToDateCopyAPageAndEveryFaultReported(@TempDir Path dir)
            throws Exception {
        CommandOutput run = CommandOutput.run(
                "lab",
                "--duration",
                "34s",
                "--json",
                "--data-dir",
                dir.toString(),
                "--fault",
                "5s=disk-fail node-a /dev/sda",
                "--fault",
                "12s=disk-replace node-a /dev/sda",
                "--fault",
                "16s=disk-fail node-b /dev/sda",
                "--fault",
                "26s=disk-replace node-b /dev/sda",
                "--fault",
                "28s=disk-replace node-b /dev/sda");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = EnvelopeCodec.json().readTree(run.out());
        for (String node : List.of("node-a", "node-b")) {
            for (String resource : List.of("r0", "r1")) {
                JsonNode r = summary.get("hosts")
                        .get("pair-1/" + node)
                        .get("resources")
                        .get(resource);
                assertEquals(
                        "Inconsistent", r.get("devices").get(0).get("disk").asText(), node + " " + resource + ": " + r);
                JsonNode peer = r.get("connections").get(0).get("peerDevices").get(0);
                assertEquals("Inconsistent", peer.get("peerDisk").asText(), node + " " + resource + ": " + r);
                assertEquals("Established", peer.get("replication").asText(), "nothing resyncs: " + r);
                JsonNode alert = find(summary.get("alerts").get("firing"), "DrbdNoUpToDateCopy", node, resource);
                assertEquals("critical", alert.get("labels").get("severity").asText());
            }
        }
        List<String> told = new java.util.ArrayList<>();
        summary.get("notifications").forEach(n -> told.add(n.get("text").asText()));
        assertTrue(told.stream().anyMatch(t -> t.contains("critical pair-1: no UpToDate copy of r")), told.toString());

        JsonNode faults = summary.get("faults");
        assertEquals(4, faults.get("applied").asInt(), faults.toString());
        assertEquals(1, faults.get("refused").asInt(), faults.toString());
        JsonNode refused = faults.get("each").get(4);
        assertEquals("disk-replace node-b /dev/sda", refused.get("fault").asText());
        assertFalse(refused.get("applied").asBoolean());
        assertTrue(refused.get("message").asText().contains("has not failed"), refused.toString());
    }

    private static JsonNode find(JsonNode alerts, String rule, String node, String resource) {
        for (JsonNode a : alerts) {
            if (a.get("rule").asText().equals(rule)
                    && a.get("labels").get("node").asText().equals(node)
                    && (resource == null
                            || resource.equals(a.get("labels").path("resource").asText()))) {
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
        Process lab = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-Djava.io.tmpdir=" + labTmp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Vigil.class.getName(),
                        "lab",
                        "--json",
                        "--duration",
                        "60s")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !lab.isAlive() || Files.readString(err).contains("lab started"));
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
            assertEquals(
                    List.of(),
                    left.filter(p -> p.getFileName().toString().startsWith("vigil-lab-"))
                            .toList());
        }
    }

    /**
     * A fault that could never apply is refused when the command line is read, not dropped in
     * silence while the lab runs: unknown kind, host, disk or VM, no fault at all, missing words,
     * or a time after the lab stops. The message names the --fault it is about.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "5s=explode node-a",
                "5s=disk-fail node-c /dev/sda",
                "5s=disk-fail node-a /dev/sdz",
                "5s=",
                "5s=  ",
                "5s=agent-hang node-a nosuch",
                "5s=host-down",
                "5s=link-cut now",
                "20s=link-cut",
                "-1s=link-cut"
            })
    void refusesAFaultThatCouldNeverApplyBeforeStartingAnythingNamingIt(String fault) {
        CommandOutput run =
                CommandOutput.run("lab", "--duration", "3s", "--json", "--fault", "1s=link-cut", "--fault", fault);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("vigil lab: --fault '" + fault + "': "), run.err());
        assertEquals("", run.out(), "nothing ran");
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
