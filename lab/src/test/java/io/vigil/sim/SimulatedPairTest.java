package io.vigil.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.heartbeat.Meminfo;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.SmartctlFlag;
import io.vigil.events.VmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pair's state, the faults and their undoing, as the agent would see them through the tools. */
class SimulatedPairTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Command EVENTS2 = Command.of("drbdsetup", "events2", "--timestamps", "--statistics");
    private static final Command NOW = Command.of("drbdsetup", "events2", "--now", "--statistics");
    private static final Pattern STAMPED =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00 .*");

    private final SimulatedPair pair = SimulatedPair.seed();
    private final SimulatedHost a = pair.nodeA();
    private final SimulatedHost b = pair.nodeB();
    private final List<RunningCommand> started = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        started.forEach(RunningCommand::close);
    }

    /** A running events2 on the host; its lines without timestamps, as they arrive. */
    private List<String> stream(SimulatedHost host) throws CommandException {
        List<String> lines = new CopyOnWriteArrayList<>();
        started.add(host.start(EVENTS2, line -> {
            assertTrue(STAMPED.matcher(line).matches(), line);
            lines.add(line.substring(line.indexOf(' ') + 1));
        }));
        await().until(() -> lines.contains("exists -"));
        return lines;
    }

    private static List<String> after(List<String> lines, String marker) {
        return lines.subList(lines.indexOf(marker) + 1, lines.size());
    }

    private static void awaitLine(List<String> lines, String prefix) {
        await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.startsWith(prefix)));
    }

    private String now(SimulatedHost host) throws CommandException {
        return host.run(NOW, Duration.ofSeconds(5)).stdout();
    }

    private static String field(String dump, String linePrefix, String field) {
        String line = dump.lines()
                .filter(l -> l.startsWith(linePrefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError(linePrefix + " in\n" + dump));
        for (String word : line.split(" ")) {
            if (word.startsWith(field + ":")) {
                return word.substring(field.length() + 1);
            }
        }
        throw new AssertionError(field + " not in " + line);
    }

    @Test
    void seedHasEachHostPrimaryForItsResourceWithItsVmsAndSeesThePeerCoupled() throws Exception {
        assertEquals(DrbdRole.PRIMARY, a.role("r0"));
        assertEquals(DrbdRole.SECONDARY, a.role("r1"));
        assertEquals(DrbdRole.PRIMARY, b.role("r1"));
        assertEquals(List.of("web", "mail", "db", "backup"), a.vmNames(), "every VM is defined on both hosts");
        assertEquals(List.of("web", "mail"), a.runningVmNames());
        assertEquals(List.of("db", "backup"), b.runningVmNames());
        String dumpA = now(a);
        assertEquals("Secondary", field(dumpA, "exists connection name:r0", "role"));
        assertEquals("Primary", field(dumpA, "exists connection name:r1", "role"));
        assertEquals("Established", field(dumpA, "exists peer-device name:r0", "replication"));
        assertEquals("UpToDate", field(dumpA, "exists peer-device name:r0", "peer-disk"));
        assertEquals("yes", field(dumpA, "exists device name:r0", "open"));
        assertEquals("no", field(dumpA, "exists device name:r1", "open"));
        assertEquals("no", field(dumpA, "exists resource name:r1", "may_promote"), "the peer is Primary for r1");
        assertEquals("ipv4:10.99.0.2:7790", field(dumpA, "exists path name:r1", "peer"));
        assertEquals(DrbdRole.PRIMARY.wire(), field(now(b), "exists connection name:r0", "role"));
    }

    @Test
    void aPromotionOnOneHostIsSeenByThePeerAndDrbdsRulesHold() throws Exception {
        List<String> seenByA = stream(a);
        IllegalStateException twoPrimaries = assertThrows(IllegalStateException.class, () -> a.promote("r1"));
        assertTrue(twoPrimaries.getMessage().contains("(-1)"), twoPrimaries.getMessage());
        IllegalStateException held = assertThrows(IllegalStateException.class, () -> b.demote("r1"));
        assertTrue(held.getMessage().contains("(-12)"), held.getMessage());
        b.shutdownVm("db");
        b.shutdownVm("backup");
        b.demote("r1");
        awaitLine(
                seenByA,
                "change connection name:r1 peer-node-id:1 conn-name:node-b connection:Connected role:Secondary");
        awaitLine(seenByA, "change resource name:r1 may_promote:yes promotion_score:10102");
        a.promote("r1");
        awaitLine(seenByA, "change resource name:r1 role:Primary may_promote:no promotion_score:10102");
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> a.startVm("db"));
        assertTrue(full.getMessage().contains("cannot allocate memory"), full.getMessage());
        a.setVmMemory("db", 4_194_304); // shrink it to fit beside web and mail
        a.startVm("db");
        assertEquals(VmState.RUNNING, a.vmState("db"));
        assertEquals(16_303_940 - 1_048_576 - 6_291_456 - 4_194_304 - 4_194_304, a.memoryAvailableKiB());
    }

    @Test
    void aDiskThatDiesFailsSmartAndDrbdDetachesWhileThePeerSeesItDiskless() throws Exception {
        List<String> seenByA = stream(a);
        List<String> seenByB = stream(b);
        FaultOutcome outcome = pair.inject("disk-fail node-a /dev/sda");
        assertTrue(outcome.applied(), outcome.message());

        awaitLine(seenByA, "change device name:r1 volume:0 minor:1 backing_dev:none disk:Diskless");
        List<String> changes = after(seenByA, "exists -").stream()
                .filter(l -> l.startsWith("change device name:r0"))
                .toList();
        assertEquals(
                "change device name:r0 volume:0 minor:0 backing_dev:/dev/vg0/r0-disk disk:Failed client:no open:yes quorum:yes",
                changes.get(0));
        assertEquals(
                "change device name:r0 volume:0 minor:0 backing_dev:none disk:Diskless client:no open:yes quorum:yes",
                changes.get(1));
        assertTrue(after(seenByA, "exists -").contains("change resource name:r0 may_promote:no promotion_score:0"));
        awaitLine(
                seenByB,
                "change peer-device name:r0 peer-node-id:0 conn-name:node-a volume:0 replication:Established peer-disk:Failed");
        awaitLine(
                seenByB,
                "change peer-device name:r0 peer-node-id:0 conn-name:node-a volume:0 replication:Established peer-disk:Diskless");
        assertEquals(DiskState.DISKLESS, a.disk("r0"));
        assertEquals(DrbdRole.PRIMARY, a.role("r0"), "a diskless Primary keeps running on the peer's disk");

        CommandResult smart = a.run(Command.of("smartctl", "--json", "-a", "/dev/sda"), Duration.ofSeconds(5));
        JsonNode doc = JSON.readTree(smart.stdout());
        assertFalse(doc.at("/smart_status/passed").asBoolean());
        int expected = 1 << SmartctlFlag.DISK_FAILING.bit()
                | 1 << SmartctlFlag.PREFAIL_BELOW_THRESHOLD.bit()
                | 1 << SmartctlFlag.ERROR_LOG_HAS_ERRORS.bit();
        assertEquals(expected, smart.exitCode());
        assertEquals(expected, doc.at("/smartctl/exit_status").asInt());
        JsonNode reallocated = doc.at("/ata_smart_attributes/table/3");
        assertEquals(5, reallocated.get("id").asInt());
        assertEquals("FAILING_NOW", reallocated.get("when_failed").asText());
        assertTrue(reallocated.at("/raw/value").asLong() > 0);

        CommandResult lvs = a.run(
                Command.of(
                        "lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", "vg_name,lv_name,lv_attr"),
                Duration.ofSeconds(5));
        assertEquals(
                "-wi-a---p-",
                JSON.readTree(lvs.stdout()).at("/report/0/lv/0/lv_attr").asText());
        assertTrue(lvs.stderr().contains("WARNING: VG vg0 is missing PV"), lvs.stderr());
        assertTrue(
                b.run(Command.of("smartctl", "--json", "-a", "/dev/sda"), Duration.ofSeconds(5))
                                .exitCode()
                        == 0,
                "node-b's disk is fine");
    }

    @Test
    void aReplacedDiskResyncsWithProgressOverSimulatedTimeThenIsUpToDate() throws Exception {
        pair.inject("disk-fail node-a /dev/sda");
        List<String> seenByA = stream(a);
        FaultOutcome replaced = pair.apply(new Fault.DiskFail("node-a", "/dev/sda").undo());
        assertTrue(replaced.applied(), replaced.message());
        assertFalse(a.diskFailed("/dev/sda"));
        assertEquals(
                0,
                a.run(Command.of("smartctl", "--json", "-a", "/dev/sda"), Duration.ofSeconds(5))
                        .exitCode());

        awaitLine(seenByA, "call helper name:r0 peer-node-id:1 conn-name:node-b volume:0 helper:before-resync-target");
        awaitLine(
                seenByA,
                "change peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0 replication:SyncTarget peer-disk:UpToDate peer-client:no done:0.00");
        assertEquals(DiskState.INCONSISTENT, a.disk("r0"));
        assertEquals("Inconsistent", field(now(b), "exists peer-device name:r0", "peer-disk"));
        assertEquals("SyncSource", field(now(b), "exists peer-device name:r0", "replication"));

        pair.tick(Duration.ofSeconds(10));
        String during = now(a);
        double done = Double.parseDouble(field(during, "exists peer-device name:r0", "done"));
        assertTrue(done > 20 && done < 30, "10 s of a ~41 s resync: " + done);
        assertTrue(Long.parseLong(field(during, "exists peer-device name:r0", "eta")) > 25);
        assertTrue(Long.parseLong(field(during, "exists peer-device name:r0", "out-of-sync")) > 0);

        for (int i = 0; i < 40; i++) {
            pair.tick(Duration.ofSeconds(1));
        }
        assertEquals(DiskState.UP_TO_DATE, a.disk("r0"));
        assertEquals(DiskState.UP_TO_DATE, a.disk("r1"));
        String afterwards = now(a);
        assertEquals("Established", field(afterwards, "exists peer-device name:r0", "replication"));
        assertFalse(
                afterwards
                        .lines()
                        .filter(l -> l.startsWith("exists peer-device name:r0"))
                        .findFirst()
                        .orElseThrow()
                        .contains("out-of-sync:"),
                "drbdsetup leaves out-of-sync: out when it is 0: " + afterwards);
        assertFalse(afterwards.contains("done:"), afterwards);
        awaitLine(seenByA, "call helper name:r0 peer-node-id:1 conn-name:node-b volume:0 helper:after-resync-target");
        awaitLine(seenByA, "change device name:r0 volume:0 minor:0 backing_dev:/dev/vg0/r0-disk disk:UpToDate");
        assertTrue(a.run(
                        Command.of("lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", "lv_attr"),
                        Duration.ofSeconds(5))
                .stdout()
                .contains("\"lv_attr\":\"-wi-ao----\""));
    }

    /**
     * Overlapping disk failures (issue 7's schedule, on the simulated clock): node-a's disk dies and
     * is replaced; while node-a resyncs from node-b, node-b's disk dies too, and is replaced. No
     * UpToDate copy is left. DRBD never resyncs from Inconsistent data: both sides stay
     * Inconsistent, connected, with nothing syncing, however long one waits.
     */
    @Test
    void overlappingDiskFailuresOnBothNodesLeaveBothInconsistentAndNothingResyncs() throws Exception {
        List<String> seenByB = stream(b);
        Map<Integer, String> schedule = new TreeMap<>(Map.of(
                5,
                "disk-fail node-a /dev/sda",
                12,
                "disk-replace node-a /dev/sda",
                16,
                "disk-fail node-b /dev/sda",
                26,
                "disk-replace node-b /dev/sda"));
        int second = 0;
        for (Map.Entry<Integer, String> fault : schedule.entrySet()) {
            for (; second < fault.getKey(); second++) {
                pair.tick(Duration.ofSeconds(1));
            }
            FaultOutcome outcome = pair.inject(fault.getValue());
            assertTrue(outcome.applied(), fault.getValue() + ": " + outcome.message());
        }
        // the stream is read on its own thread: what it printed up to the last fault must be in before the cut
        String lastOfTheFaults =
                "change device name:r1 volume:0 minor:1 backing_dev:/dev/vg0/r1-disk disk:Inconsistent";
        awaitLine(seenByB, lastOfTheFaults);
        int linesAt26 = java.util.stream.IntStream.range(0, seenByB.size())
                        .filter(i -> seenByB.get(i).startsWith(lastOfTheFaults))
                        .findFirst()
                        .orElseThrow()
                + 1;
        for (int i = 0; i < 60; i++) { // longer than a full resync (~41 s) would take
            pair.tick(Duration.ofSeconds(1));
        }
        for (SimulatedHost host : List.of(a, b)) {
            String dump = now(host);
            for (String resource : List.of("r0", "r1")) {
                assertEquals(DiskState.INCONSISTENT, host.disk(resource), host.name() + " " + resource);
                assertEquals(ConnectionState.CONNECTED, host.connection(resource), host.name() + " " + resource);
                assertEquals("Established", field(dump, "exists peer-device name:" + resource, "replication"), dump);
                assertEquals("Inconsistent", field(dump, "exists peer-device name:" + resource, "peer-disk"), dump);
            }
            assertFalse(dump.contains("done:"), dump);
        }
        List<String> afterLastFault = seenByB.subList(linesAt26, seenByB.size());
        assertTrue(
                afterLastFault.stream().noneMatch(l -> l.contains("replication:Sync") || l.contains("resync-target")),
                "nothing resyncs from Inconsistent data: " + afterLastFault);
    }

    @Test
    void aDeadHostsCommandsHangUntilTheCallersTimeoutAndItsStreamFallsSilent() throws Exception {
        List<String> seenByA = stream(a);
        List<String> seenByB = stream(b);
        pair.inject("host-down node-b");

        long start = System.nanoTime();
        CommandException hung = assertThrows(
                CommandException.class, () -> b.run(Command.of("virsh", "list", "--all"), Duration.ofMillis(300)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(hung.timedOut());
        assertTrue(tookMs >= 300 && tookMs < 3_000, "hung for " + tookMs + " ms");
        assertThrows(java.io.IOException.class, () -> b.read(java.nio.file.Path.of("/proc/meminfo")));

        awaitLine(seenByA, "change connection name:r1 peer-node-id:1 conn-name:node-b connection:Timeout role:Unknown");
        awaitLine(
                seenByA,
                "change connection name:r1 peer-node-id:1 conn-name:node-b connection:Unconnected role:Unknown");
        awaitLine(
                seenByA,
                "change connection name:r1 peer-node-id:1 conn-name:node-b connection:Connecting role:Unknown");
        awaitLine(
                seenByA,
                "change peer-device name:r1 peer-node-id:1 conn-name:node-b volume:0 replication:Off peer-disk:DUnknown");
        awaitLine(seenByA, "change resource name:r1 may_promote:yes promotion_score:10101");
        assertEquals(
                1,
                a.run(
                                Command.of("ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "10.99.0.2"),
                                Duration.ofSeconds(5))
                        .exitCode());
        int silentSize = seenByB.size();
        pair.tick(Duration.ofSeconds(30)); // node-a writes r0 while node-b is away
        assertTrue(a.outOfSyncKiB("r0") > 0);
        assertEquals(silentSize, seenByB.size(), "a dead host prints nothing");
        assertTrue(started.get(1).isAlive(), "the stream hangs, it does not exit");

        FaultOutcome up = pair.inject("host-up node-b");
        assertTrue(up.applied(), up.message());
        OptionalInt exit = started.get(1).awaitExit(Duration.ofSeconds(5));
        assertEquals(OptionalInt.of(Events2Stream.KILLED), exit, "the old events2 died with the host");
        assertEquals(DrbdRole.SECONDARY, b.role("r1"), "rebooted: Secondary");
        assertEquals(VmState.SHUT_OFF, b.vmState("db"));
        assertEquals(ConnectionState.CONNECTED, a.connection("r0"));
        assertEquals("SyncSource", field(now(a), "exists peer-device name:r0", "replication"));
        pair.tick(Duration.ofSeconds(5));
        assertEquals("Established", field(now(a), "exists peer-device name:r0", "replication"));
        assertEquals(DiskState.UP_TO_DATE, b.disk("r0"));
    }

    @Test
    void aCutLinkLetsOutOfSyncGrowOnBothPrimariesAndARestoreResyncsIt() throws Exception {
        List<String> seenByB = stream(b);
        assertTrue(pair.inject("link-cut").applied());
        awaitLine(
                seenByB,
                "change connection name:r0 peer-node-id:0 conn-name:node-a connection:NetworkFailure role:Unknown");
        awaitLine(
                seenByB,
                "change path name:r0 peer-node-id:0 conn-name:node-a local:ipv4:10.99.0.2:7789 peer:ipv4:10.99.0.1:7789 established:no");
        assertEquals(ConnectionState.CONNECTING, a.connection("r0"));
        assertEquals(ConnectionState.CONNECTING, b.connection("r1"));

        pair.tick(Duration.ofSeconds(10));
        long r0 = Long.parseLong(field(now(a), "exists peer-device name:r0", "out-of-sync"));
        long r1 = Long.parseLong(field(now(b), "exists peer-device name:r1", "out-of-sync"));
        assertEquals(2 * SimulatedPair.WRITE_RATE_KIB_PER_VM * 10, r0, "two VMs writing for 10 s");
        assertEquals(2 * SimulatedPair.WRITE_RATE_KIB_PER_VM * 10, r1);

        assertTrue(pair.apply(new Fault.LinkCut().undo()).applied());
        assertEquals("SyncSource", field(now(a), "exists peer-device name:r0", "replication"));
        assertEquals("SyncTarget", field(now(a), "exists peer-device name:r1", "replication"));
        awaitLine(seenByB, "call helper name:r0 peer-node-id:0 conn-name:node-a volume:0 helper:before-resync-target");
        pair.tick(Duration.ofSeconds(1));
        assertEquals("Established", field(now(a), "exists peer-device name:r0", "replication"));
        assertEquals("Established", field(now(b), "exists peer-device name:r1", "replication"));
        assertEquals(0, a.outOfSyncKiB("r0"));
        assertEquals(ConnectionState.CONNECTED, b.connection("r0"));
    }

    @Test
    void bothSidesWritingWhileApartIsASplitBrainThatStaysApart() throws Exception {
        pair.inject("link-cut");
        a.promote("r1"); // node-a thinks node-b is gone and takes r1 over too
        a.defineVm("db2", "5f1c3a52-8d44-4c1e-9a7b-0a11c0de0009", "r1", 1_048_576, 1_048_576, 1);
        a.startVm("db2");
        pair.tick(Duration.ofSeconds(5));
        List<String> seenByA = stream(a);
        pair.inject("link-restore");
        awaitLine(seenByA, "call helper name:r1 peer-node-id:1 conn-name:node-b volume:0 helper:split-brain");
        assertEquals(ConnectionState.STANDALONE, a.connection("r1"));
        assertEquals(ConnectionState.STANDALONE, b.connection("r1"));
        assertEquals(ConnectionState.CONNECTED, a.connection("r0"), "r0 had one writer and resyncs");
    }

    @Test
    void aLongRunningEvents2ThroughRunHangsUntilTheTimeout() {
        CommandException e = assertThrows(CommandException.class, () -> a.run(EVENTS2, Duration.ofMillis(100)));
        assertTrue(e.timedOut());
    }

    @Test
    void eachFaultParsesFromItsOwnCommandAndUndoesItsUndo() {
        List<Fault> faults = List.of(
                new Fault.DiskFail("node-a", "/dev/sda"),
                new Fault.HostDown("node-b"),
                new Fault.LinkCut(),
                new Fault.AgentHang("node-a", "web"),
                new Fault.FenceLies("node-a", true),
                new Fault.FenceBroken("node-b", true),
                new Fault.MigrationFails("web", true),
                new Fault.SlowTool("node-a", Fault.SlowToolOff.UNDONE_SECONDS),
                new Fault.MemoryTaken("node-b", Fault.MemoryFreed.UNDONE_BYTES));
        for (Fault fault : faults) {
            assertEquals(fault, Fault.parse(fault.command()));
            assertEquals(fault.undo(), Fault.parse(fault.undo().command()));
            assertEquals(fault, fault.undo().undo());
        }
    }

    @Test
    void everyFaultAndItsUndoLeaveThePairAsItWas() throws Exception {
        for (String line : List.of("disk-fail node-b /dev/nvme0", "link-cut", "agent-hang node-b db")) {
            Fault fault = Fault.parse(line);
            assertTrue(pair.apply(fault).applied(), line);
            assertTrue(pair.apply(fault.undo()).applied(), fault.undo().command());
            pair.tick(Duration.ofSeconds(1));
        }
        String dump = now(a);
        assertFalse(dump.contains("SyncSource") || dump.contains("SyncTarget") || dump.contains("Connecting"), dump);
        assertEquals(
                0,
                b.run(
                                Command.of("virsh", "qemu-agent-command", "db", "{\"execute\":\"guest-ping\"}"),
                                Duration.ofSeconds(5))
                        .exitCode());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "frobnicate node-a",
                "disk-fail node-a",
                "disk-fail node-c /dev/sda",
                "disk-fail node-a /dev/sdz",
                "disk-fail node-a ../../etc/passwd",
                "disk-fail node-a /dev/../etc",
                "host-down",
                "link-cut now",
                "host-up node-a",
                "link-restore",
                "disk-replace node-a /dev/sda",
                "agent-hang node-a nosuch",
                "host-down $(reboot)",
                "memory-taken node-a",
                "memory-taken node-a lots",
                "memory-taken node-a 0",
                "memory-taken node-a 1500B",
                "memory-taken node-a 5GiB",
                "memory-freed node-a"
            })
    void aBadFaultCommandIsRefusedWithAReasonNeverAnException(String line) {
        FaultOutcome outcome = pair.inject(line);
        assertFalse(outcome.applied(), line);
        assertFalse(outcome.message() == null || outcome.message().isBlank(), line);
    }

    @Test
    void memoryTakenOnAHostShowsInItsMeminfoAndLeavesNoRoomForAVmUntilFreed() throws Exception {
        long before = meminfo(b).availableBytes();
        assertTrue(pair.inject("memory-taken node-b 4GiB").applied());
        assertEquals(before - (4L << 30), meminfo(b).availableBytes(), "MemAvailable, as the agent reads it");
        assertEquals(16_303_940L * 1024, meminfo(b).totalBytes(), "MemTotal stays what the host has");
        // mail (4 GiB) fits in what node-b has left beside db and backup, unless something else holds it
        a.shutdownVm("mail");
        a.shutdownVm("web");
        a.demote("r0");
        b.promote("r0");
        VmRefusal refused = assertThrows(VmRefusal.class, () -> b.startVm("mail"));
        assertEquals(VmRefusal.Reason.HOST_MEMORY, refused.reason);
        assertFalse(pair.inject("memory-taken node-b 1GiB").applied(), "taken already");
        assertTrue(pair.inject("memory-freed node-b").applied());
        assertEquals(before, meminfo(b).availableBytes());
        b.startVm("mail");
        assertEquals(VmState.RUNNING, b.vmState("mail"));
    }

    private static Meminfo meminfo(SimulatedHost host) throws Exception {
        return Meminfo.parse(
                "/proc/meminfo", host.read(Path.of("/proc/meminfo")).orElseThrow());
    }

    @Test
    void theHelpNamesEveryFault() {
        for (String verb : List.of(
                "disk-fail",
                "disk-replace",
                "host-down",
                "host-up",
                "link-cut",
                "link-restore",
                "agent-hang",
                "agent-recover",
                "memory-taken",
                "memory-freed")) {
            assertTrue(Fault.HELP.contains(verb), verb);
        }
        assertTrue(pair.inject("frobnicate").message().contains("disk-fail NODE DEVICE"));
    }
}
