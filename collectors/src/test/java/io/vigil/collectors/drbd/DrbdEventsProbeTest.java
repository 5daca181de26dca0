package io.vigil.collectors.drbd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.LoggedLines;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.probe.ProbeHealthReporter;
import io.vigil.events.Body;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdRole;
import io.vigil.service.retry.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe against real processes that print drbdsetup's output (drbdsetup itself needs the
 * DRBD kernel module). The fixtures are hand-written in the events2 --timestamps --statistics
 * format of drbd-utils 9 (see the samples in test resources for the real thing).
 */
class DrbdEventsProbeTest {
    private static final String DUMP = String.join(
            "\n",
            "2026-11-24T21:03:07.000001+00:00 exists resource name:r0 role:Primary suspended:no force-io-failures:no write-ordering:flush may_promote:no promotion_score:10101",
            "2026-11-24T21:03:07.000002+00:00 exists device name:r0 volume:0 minor:0 backing_dev:/dev/vg0/r0 disk:UpToDate client:no open:yes quorum:yes size:1048576 read:100 written:200 al-writes:1 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no",
            "2026-11-24T21:03:07.000003+00:00 exists connection name:r0 peer-node-id:1 conn-name:node-b connection:Connected role:Secondary congested:no ap-in-flight:0 rs-in-flight:0",
            "2026-11-24T21:03:07.000004+00:00 exists peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no received:0 sent:200 out-of-sync:0 pending:0 unacked:0",
            "2026-11-24T21:03:07.000005+00:00 exists path name:r0 peer-node-id:1 conn-name:node-b local:ipv4:127.0.0.1:7789 peer:ipv4:127.0.0.1:7790 established:yes",
            "2026-11-24T21:03:07.000006+00:00 exists -",
            "");
    private static final String CHANGES = String.join(
            "\n",
            "2026-11-24T21:03:08.000001+00:00 change peer-device name:r0 garbage",
            "2026-11-24T21:03:08.000002+00:00 change resource name:r0 role:Secondary may_promote:yes promotion_score:10101",
            "");

    @TempDir
    Path dir;

    private Thread thread;

    @AfterEach
    void stop() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
    }

    record Health(List<String> failures, List<String> successes) implements ProbeHealthReporter {
        Health() {
            this(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        }

        @Override
        public void succeeded(String probe) {
            successes.add(probe);
        }

        @Override
        public void failed(String probe, String error) {
            failures.add(probe + ": " + error);
        }
    }

    private String file(String name, String content) throws Exception {
        Path path = dir.resolve(name);
        Files.writeString(path, content);
        return "'" + path + "'";
    }

    private static HostFiles debugfs(Map<Path, String> content) {
        return new HostFiles() {
            @Override
            public Optional<String> read(Path path) {
                return Optional.ofNullable(content.get(path));
            }

            @Override
            public List<String> list(Path directory) {
                return List.of();
            }
        };
    }

    private static List<DrbdResource> r0(List<Body> events) {
        return events.stream()
                .map(DrbdResource.class::cast)
                .filter(r -> r.resource().equals("r0"))
                .toList();
    }

    @Test
    void emitsTheDumpThenChangesRestartsAfterExitAndReportsIt() throws Exception {
        String dump = file("dump", DUMP);
        String changes = file("changes", CHANGES);
        String now = file("now", DUMP.replace("sent:200", "sent:999"));
        FixtureCommandRunner runner = new FixtureCommandRunner()
                .answer(
                        DrbdEventsProbe.EVENTS,
                        "cat " + dump + "; sleep 0.3; cat " + changes
                                + "; echo 'drbdsetup: netlink socket closed' >&2; exit 20",
                        "cat " + dump + "; exec sleep 600")
                .answer(DrbdEventsProbe.NOW, "cat " + now);
        Path oldest = DrbdEventsProbe.DEBUGFS_RESOURCES.resolve("r0/connections/node-b/oldest_requests");
        HostFiles files = debugfs(Map.of(oldest, "v: 0\n\n0\t0\t0x2a\t2048\t8\tW\t3400\t0x21\tmaster: pending\n"));
        DrbdEventsProbe probe = new DrbdEventsProbe(
                runner,
                files,
                Duration.ofMillis(300),
                Duration.ofSeconds(5),
                Duration.ofMillis(300),
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)));
        List<Body> events = new CopyOnWriteArrayList<>();
        Health health = new Health();

        follow(probe, events::add, health);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> r0(events).stream().anyMatch(r -> r.role() == DrbdRole.SECONDARY));
        DrbdResource dumped = r0(events).get(0);
        assertEquals(DrbdRole.PRIMARY, dumped.role(), "the first event is the dumped state");
        assertEquals(
                Optional.of(200L * 1024),
                dumped.connections().get(0).peerDevices().get(0).sentBytes());
        DrbdResource changed = r0(events).stream()
                .filter(r -> r.role() == DrbdRole.SECONDARY)
                .findFirst()
                .orElseThrow();
        assertEquals(Optional.of(true), changed.mayPromote());

        await().atMost(Duration.ofSeconds(10)).until(() -> runner.count(DrbdEventsProbe.EVENTS) >= 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> health.failures().stream()
                        .anyMatch(f -> f.contains("exited with status 20: drbdsetup: netlink socket closed")));
        assertTrue(
                health.failures().stream().anyMatch(f -> f.startsWith("drbd: drbdsetup events2:7: ")),
                "the garbled line is reported with its line number: " + health.failures());
        assertTrue(health.successes().contains("drbd"));

        // after the restart: counters refreshed from events2 --now, latency measured
        await().atMost(Duration.ofSeconds(10))
                .until(() -> r0(events).stream()
                        .anyMatch(r -> r.connections()
                                .get(0)
                                .peerDevices()
                                .get(0)
                                .sentBytes()
                                .equals(Optional.of(999L * 1024))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> r0(events).stream()
                        .anyMatch(r -> r.connections()
                                .get(0)
                                .latency()
                                .oldestRequestSeconds()
                                .equals(Optional.of(3.4))));
        assertTrue(
                runner.ran.contains(Command.of("ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "127.0.0.1")),
                runner.ran::toString);
    }

    @Test
    void reportsACommandThatCannotStartAndKeepsTryingWithoutALogLinePerRestart() throws Exception {
        FixtureCommandRunner runner = new FixtureCommandRunner()
                .answer(DrbdEventsProbe.EVENTS, "echo 'Could not connect to drbd: no such module' >&2; exit 20");
        DrbdEventsProbe probe = new DrbdEventsProbe(
                runner,
                debugfs(Map.of()),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(40)));
        Health health = new Health();
        try (LoggedLines logged = LoggedLines.of(DrbdEventsProbe.class)) {
            follow(probe, b -> {}, health);
            await().atMost(Duration.ofSeconds(10)).until(() -> runner.count(DrbdEventsProbe.EVENTS) >= 5);
            assertEquals(List.of("drbd: following 'drbdsetup events2 --timestamps --statistics'"), logged.lines());
        }
        // each exit goes to the health reporter (the agent's board logs it once, and again if it changes)
        assertTrue(health.failures().size() >= 4, health.failures()::toString);
        assertEquals(
                "drbd: 'drbdsetup events2 --timestamps --statistics' exited with status 20: Could not connect to drbd: no such module",
                health.failures().get(0));
        thread.interrupt();
        thread.join(5000);
        assertTrue(!thread.isAlive(), "the probe stops when interrupted");
    }

    /** An operator reads a warning as "look at this": the helpers every resync calls are not one, a split brain is. */
    @Test
    void logsTheHelpersOfANormalResyncAtInfoAndOthersAtWarn() throws Exception {
        String conn = "name:r0 peer-node-id:1 conn-name:node-b";
        String helpers = file(
                "helpers",
                DUMP
                        + String.join(
                                "\n",
                                "2026-11-24T21:03:08.000001+00:00 call helper " + conn
                                        + " volume:0 helper:before-resync-target",
                                "2026-11-24T21:03:08.000002+00:00 response helper " + conn
                                        + " volume:0 helper:before-resync-target status:0",
                                "2026-11-24T21:03:09.000001+00:00 call helper " + conn
                                        + " volume:0 helper:after-resync-target",
                                "2026-11-24T21:03:09.000002+00:00 call helper " + conn
                                        + " volume:0 helper:before-resync-source",
                                "2026-11-24T21:03:09.000003+00:00 call helper " + conn + " helper:unfence-peer",
                                "2026-11-24T21:03:10.000001+00:00 call helper " + conn + " volume:0 helper:split-brain",
                                ""));
        FixtureCommandRunner runner = new FixtureCommandRunner()
                .answer(DrbdEventsProbe.EVENTS, "cat " + helpers + "; exec sleep 600")
                .answer(DrbdEventsProbe.NOW, "cat " + helpers);
        DrbdEventsProbe probe = new DrbdEventsProbe(
                runner,
                debugfs(Map.of()),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(40)));
        try (LoggedLines logged = LoggedLines.of(DrbdEventsProbe.class)) {
            follow(probe, b -> {}, new Health());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> logged.lines().stream().anyMatch(l -> l.contains("split-brain")));
            List<String> helperLines = logged.takeWithLevels().stream()
                    .filter(l -> l.contains("helper"))
                    .toList();
            assertEquals(
                    List.of(
                            "INFO drbd: resource r0 peer node-b called helper before-resync-target",
                            "INFO drbd: resource r0 peer node-b called helper after-resync-target",
                            "INFO drbd: resource r0 peer node-b called helper before-resync-source",
                            "INFO drbd: resource r0 peer node-b called helper unfence-peer",
                            "WARN drbd: resource r0 peer node-b called helper split-brain"),
                    helperLines);
        }
    }

    /** Runs the probe on a thread of the test's, stopped after each test. */
    private void follow(DrbdEventsProbe probe, EventSink sink, Health health) {
        thread = new Thread(
                () -> {
                    try {
                        probe.run(sink, health);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "drbd-probe-test");
        thread.start();
    }

    @Test
    void restartsEvents2AfterASecondDoublingToAMinute() {
        assertEquals(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)), DrbdEventsProbe.RESTART);
    }
}
