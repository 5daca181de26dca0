package io.vigil.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.ProcessCommandRunner;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.drbd.DrbdUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.HelperUpdate;
import io.vigil.collectors.lvm.LvmProbe;
import io.vigil.collectors.lvm.LvmReportParser;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.smart.SmartDevice;
import io.vigil.collectors.smart.SmartProbe;
import io.vigil.collectors.smart.SmartctlJsonParser;
import io.vigil.collectors.smart.SmartctlScanParser;
import io.vigil.collectors.vm.VirshDominfoParser;
import io.vigil.collectors.vm.VirshListParser;
import io.vigil.collectors.vm.VmProbe;
import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DeviceStatistics;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPath;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.Hypervisor;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.VolumeGroup;
import io.vigil.events.ReplicationState;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The issue's cross-check: for one state, the simulator's output and real tool output parse,
 * through the production parsers (and, where a real tool runs here, the production probes), to
 * the same events. Real output comes from the real tool run in the test (virsh on libvirt's test
 * driver, vgs on a loop-device PV, smartctl on this machine) or, for DRBD, whose kernel module is
 * absent here, from drbd-utils' own traces of real drbdsetup output (resources/crosscheck).
 * <p>
 * What is normalised is named where it happens, and only what differs between two hosts in the
 * same state: names, minors, node ids, addresses, uuids, timestamps, byte counters.
 */
class SimulatorMatchesRealToolsTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final ProcessCommandRunner REAL = new ProcessCommandRunner();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedPair pair = SimulatedPair.seed();
    private final SimulatedHost a = pair.nodeA();
    private final SimulatedHost b = pair.nodeB();
    private final List<Runnable> cleanups = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        // every step runs even when one before it failed; the first failure is reported
        List<String> failures = new ArrayList<>();
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).run();
            } catch (RuntimeException | AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), "cleanup failed: " + failures);
    }

    /** Fails (never skips) when a real tool is missing, with the line that installs it. */
    private static void requireTool(String package_, String... versionArgv) {
        try {
            REAL.run(Command.of(versionArgv), T);
        } catch (CommandException e) {
            fail(versionArgv[0] + " is not installed (" + e.getMessage()
                    + "): run apt-get update && apt-get install -y " + package_);
        }
    }

    private static CommandResult real(String... argv) throws CommandException {
        return REAL.run(Command.of(argv), T);
    }

    private static CommandResult sim(SimulatedHost host, String... argv) throws CommandException {
        return host.run(Command.of(argv), T);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = SimulatorMatchesRealToolsTest.class.getResourceAsStream("/crosscheck/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource crosscheck/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---- virsh: the real virsh on libvirt's test driver, a node file with node-a's domains ---------

    /** node-a's domains as libvirt test-driver definitions: names, uuids, memory, vCPUs; the stopped ones with runstate 5 (shut off). */
    private Path nodeXml(SimulatedHost host) throws IOException {
        StringBuilder xml = new StringBuilder("<node>\n");
        for (String name : host.vmNames()) {
            SimVm vm;
            synchronized (pair.lock) {
                vm = host.vms.get(name);
            }
            xml.append("""
                      <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
                        <name>%s</name><uuid>%s</uuid>
                        <memory unit='KiB'>%d</memory><currentMemory unit='KiB'>%d</currentMemory>
                        <vcpu>%d</vcpu><os><type>hvm</type></os>%s
                      </domain>
                    """.formatted(
                            vm.name,
                            vm.uuid,
                            vm.maxMemoryKiB,
                            vm.memoryKiB,
                            vm.vcpus,
                            vm.running() ? "" : "<test:runstate>5</test:runstate>"));
        }
        xml.append("</node>\n");
        Path dir = Files.createDirectories(
                Path.of("target", "crosscheck", UUID.randomUUID().toString()));
        Path file = dir.resolve("node.xml").toAbsolutePath();
        Files.writeString(file, xml);
        cleanups.add(() -> {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return file;
    }

    private static VmProbe vmProbe(CommandRunner runner, String uri) {
        return new VmProbe(
                runner,
                new VmProbe.Settings(
                        Hypervisor.LIBVIRT,
                        uri,
                        Map.of("web", "r0", "mail", "r0"),
                        Set.of("web", "mail"),
                        Set.of(),
                        Duration.ofSeconds(10),
                        T));
    }

    /** The real virsh and the simulator, for node-a as it is now: list and dominfo parsed alike, and VmProbe's events equal. */
    private void assertVirshAgrees(String state) throws Exception {
        String uri = "test://" + nodeXml(a);
        ParseResult<VirshListParser.Domain> realList = VirshListParser.parse(
                "real virsh list", real("virsh", "-c", uri, "list", "--all").stdout());
        ParseResult<VirshListParser.Domain> simList = VirshListParser.parse(
                "sim virsh list",
                sim(a, "virsh", "-c", "qemu:///system", "list", "--all").stdout());
        assertTrue(realList.clean() && simList.clean(), realList.problems() + " " + simList.problems());
        // the test driver numbers domains from 1 in file order, as the simulator's seed does: ids are compared too
        assertEquals(realList.values(), simList.values(), state + ": virsh list --all");
        for (String vm : a.vmNames()) {
            ParseResult<VirshDominfoParser.DomainInfo> realInfo = VirshDominfoParser.parse(
                    "real dominfo", real("virsh", "-c", uri, "dominfo", vm).stdout());
            ParseResult<VirshDominfoParser.DomainInfo> simInfo = VirshDominfoParser.parse(
                    "sim dominfo",
                    sim(a, "virsh", "-c", "qemu:///system", "dominfo", vm).stdout());
            assertTrue(realInfo.clean() && simInfo.clean(), realInfo.problems() + " " + simInfo.problems());
            assertEquals(realInfo.values(), simInfo.values(), state + ": virsh dominfo " + vm);
        }
        // the production probe, only the runner differs: every field of every VmStatus, uuids included
        List<Body> fromReal = vmProbe(REAL, uri).poll();
        List<Body> fromSim = vmProbe(a, "qemu:///system").poll();
        assertEquals(a.vmNames().size(), fromSim.size());
        assertEquals(fromReal, fromSim, state + ": VmProbe events");
    }

    @Test
    void virshListDominfoAndVmProbeAgreeWithTheRealVirshForNodeAsVmsRunningStoppedAndBallooned() throws Exception {
        requireTool("libvirt-clients", "virsh", "--version");
        assertVirshAgrees("seed (web and mail running)");

        a.shutdownVm("mail");
        assertVirshAgrees("mail shut off");
        List<Body> events = vmProbe(a, "qemu:///system").poll();
        assertEquals(VmState.SHUT_OFF, ((VmStatus) events.get(1)).state(), "the comparison saw the stopped VM");

        a.setVmMemory("web", 4_194_304);
        assertVirshAgrees("web ballooned to 4 GiB");
        assertEquals(
                Optional.of(4_194_304L * 1024),
                ((VmStatus) vmProbe(a, "qemu:///system").poll().get(0)).memoryBytes());
    }

    // ---- DRBD: drbd-utils' traces of real drbdsetup output against the simulator's events2 ----------

    /** The output of the trace's run whose command line ends with "events2{options}; echo $?", without the exit status line. */
    static String traceRun(String trace, String options) {
        List<String> lines = trace.lines().toList();
        String command = "drbdsetup_instrumented events2" + options + "; echo $?";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("$ ") && lines.get(i).endsWith(command)) {
                List<String> output = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("$ "); j++) {
                    output.add(lines.get(j));
                }
                assertEquals(
                        "0", output.remove(output.size() - 1), "the trace's run ends with drbdsetup's exit status");
                return String.join("\n", output) + "\n";
            }
        }
        throw new AssertionError("no run of '" + command + "' in the trace");
    }

    /** The last DrbdResource the parser publishes for {@code resource}: the state the output ends in. */
    private static DrbdResource lastState(String source, String text, String resource) {
        ParseResult<Body> events = DrbdEventsParser.toEvents(source, text);
        assertTrue(events.clean(), source + ": " + events.problems());
        DrbdResource last = null;
        for (Body body : events.values()) {
            if (body instanceof DrbdResource r && r.resource().equals(resource)) {
                last = r;
            }
        }
        assertTrue(last != null, source + " published nothing for " + resource);
        return last;
    }

    /**
     * What two hosts in the same DRBD state may still differ in: the resource's and the peer's name,
     * the minor, the peer's node id and path addresses, and the byte counters (the traces replay
     * synthetic netlink messages: a 5 KiB device with 30 requests pending). Counters keep only
     * whether they are there, and out-of-sync whether it is zero; eta and rate whether they are
     * there. States, roles, flags, quorum and done % stay as they are.
     */
    static DrbdResource normalised(DrbdResource r) {
        List<DrbdDevice> devices = r.devices().stream()
                .map(d -> new DrbdDevice(
                        d.volume(),
                        0,
                        d.disk(),
                        d.client(),
                        d.quorum(),
                        d.statistics()
                                .map(s -> new DeviceStatistics(
                                        s.sizeBytes().map(x -> 0L),
                                        0,
                                        0,
                                        s.upperPending().map(x -> 0L),
                                        s.lowerPending().map(x -> 0L)))))
                .toList();
        List<DrbdConnection> connections = r.connections().stream()
                .map(c -> new DrbdConnection(
                        "PEER",
                        1,
                        c.connection(),
                        c.peerRole(),
                        c.congested(),
                        c.apInFlightBytes().map(x -> 0L),
                        c.rsInFlightBytes().map(x -> 0L),
                        c.paths().stream()
                                .map(p -> new DrbdPath("LOCAL", "REMOTE", p.established()))
                                .toList(),
                        c.peerDevices().stream()
                                .map(pd -> new DrbdPeerDevice(
                                        pd.volume(),
                                        pd.replication(),
                                        pd.peerDisk(),
                                        pd.peerClient(),
                                        pd.resyncSuspended(),
                                        pd.outOfSyncBytes().map(Long::signum).map(Integer::longValue),
                                        pd.pending().map(x -> 0L),
                                        pd.unacked().map(x -> 0L),
                                        pd.sentBytes().map(x -> 0L),
                                        pd.receivedBytes().map(x -> 0L),
                                        pd.donePercent(),
                                        pd.etaSeconds().map(x -> 1.0),
                                        pd.resyncRateBytesPerSecond().map(x -> 1.0)))
                                .toList(),
                        c.latency()))
                .toList();
        return new DrbdResource(
                "R", r.role(), r.suspended(), r.mayPromote(), r.promotionScore(), r.splitBrain(), devices, connections);
    }

    private String simDump(SimulatedHost host, boolean statistics) throws CommandException {
        CommandResult result = statistics
                ? sim(host, "drbdsetup", "events2", "--now", "--timestamps", "--statistics")
                : sim(host, "drbdsetup", "events2", "--now", "--timestamps");
        assertEquals(0, result.exitCode(), result.stderr());
        return result.stdout();
    }

    @Test
    void primaryConnectedUpToDateOfTheCreateChangeTraceIsNodeAsR0InTheSeed() throws Exception {
        String trace = resource("drbdutils_events2-all-create-change.test");
        for (boolean statistics : List.of(false, true)) {
            DrbdResource real = lastState(
                    "trace" + (statistics ? " --statistics" : ""),
                    traceRun(trace, statistics ? " --statistics" : ""),
                    "some-resource");
            DrbdResource simulated = lastState("sim", simDump(a, statistics), "r0");
            assertEquals(
                    ReplicationState.ESTABLISHED,
                    real.connections().get(0).peerDevices().get(0).replication());
            assertEquals(statistics, simulated.devices().get(0).statistics().isPresent());
            // the simulator's counters are real ones: non-zero after traffic, zero out-of-sync when Established
            assertEquals(
                    statistics ? Optional.of(0L) : Optional.empty(),
                    simulated.connections().get(0).peerDevices().get(0).outOfSyncBytes(),
                    "without --statistics the figure is unknown, not 0");
            assertEquals(normalised(real), normalised(simulated), "statistics " + statistics);
        }
    }

    /**
     * The sync trace ends with its resource Secondary and SyncSource to a Secondary peer that is
     * Inconsistent, 37.50 % done. The simulator gets there the way a cluster would: node-b's disk
     * dies, its VMs on r1 stop and r1 is demoted there, the disk is replaced, and node-a resyncs r1
     * to node-b until 37.50 % of it is copied.
     */
    private void bringR1ToAThirdOfAResyncFromNodeA() {
        assertTrue(pair.inject("disk-fail node-b /dev/sda").applied());
        b.shutdownVm("db");
        b.shutdownVm("backup");
        b.demote("r1");
        assertTrue(pair.inject("disk-replace node-b /dev/sda").applied());
        long totalKiB = a.outOfSyncKiB("r1");
        long copyKiB = totalKiB * 3 / 8; // 37.5 %
        assertEquals(0, totalKiB * 3 % 8, "r1's size divides into eighths, so 37.50 % is exact");
        pair.tick(Duration.ofNanos(Math.round(copyKiB * 1e9 / SimulatedPair.RESYNC_RATE_KIB_PER_SECOND)));
        assertEquals(totalKiB - copyKiB, a.outOfSyncKiB("r1"));
    }

    @Test
    void syncSourceOfTheSyncTraceIsNodeAsR1ResyncingToNodeBsNewDisk() throws Exception {
        String trace = resource("drbdutils_events2-sync.test");
        bringR1ToAThirdOfAResyncFromNodeA();
        for (boolean statistics : List.of(false, true)) {
            DrbdResource real = lastState(
                    "trace" + (statistics ? " --statistics" : ""),
                    traceRun(trace, statistics ? " --statistics" : ""),
                    "some-resource");
            DrbdResource simulated = lastState("sim", simDump(a, statistics), "r1");
            DrbdPeerDevice realPeer = real.connections().get(0).peerDevices().get(0);
            DrbdPeerDevice simPeer =
                    simulated.connections().get(0).peerDevices().get(0);
            assertEquals(ReplicationState.SYNC_SOURCE, realPeer.replication());
            assertEquals(Optional.of(37.5), simPeer.donePercent());
            assertEquals(
                    statistics,
                    simPeer.etaSeconds().isPresent()
                            && simPeer.resyncRateBytesPerSecond().isPresent());
            // the trace's captured messages end before DRBD raises the promotion score for the new
            // connection (the create-change trace shows that step, and there the score is compared)
            assertEquals(Optional.of(10101), real.promotionScore());
            assertEquals(Optional.of(10102), simulated.promotionScore());
            DrbdResource realScored = new DrbdResource(
                    real.resource(),
                    real.role(),
                    real.suspended(),
                    real.mayPromote(),
                    simulated.promotionScore(),
                    real.splitBrain(),
                    real.devices(),
                    real.connections());
            assertEquals(normalised(realScored), normalised(simulated), "statistics " + statistics);
        }
    }

    @Test
    void theBeforeResyncTargetHelperCallAndResponseParseAsInTheHelperTrace() throws Exception {
        ParseResult<DrbdUpdate> trace =
                DrbdEventsParser.parse("trace", traceRun(resource("drbdutils_events2-all-create-helper.test"), ""));
        assertTrue(trace.clean(), trace.problems().toString());
        List<HelperUpdate> real = trace.values().stream()
                .filter(u -> u instanceof HelperUpdate)
                .map(u -> (HelperUpdate) u)
                .toList();

        List<String> lines = new CopyOnWriteArrayList<>();
        RunningCommand stream = b.start(Command.of("drbdsetup", "events2", "--timestamps", "--statistics"), lines::add);
        cleanups.add(stream::close);
        assertTrue(pair.inject("disk-fail node-b /dev/sda").applied());
        assertTrue(pair.inject("disk-replace node-b /dev/sda").applied());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> lines.stream().anyMatch(l -> l.contains(" response helper name:r1 ")));
        List<HelperUpdate> simulated = new ArrayList<>();
        for (String line : lines) {
            ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parseLine("sim", 1, line);
            assertTrue(parsed.clean(), parsed.problems().toString());
            parsed.values().stream()
                    .filter(u -> u instanceof HelperUpdate h && h.resource().equals("r0"))
                    .forEach(u -> simulated.add((HelperUpdate) u));
        }
        // the handler's exit status is the handler's business (the trace's exited 1, the lab's 0): only its presence is
        // compared
        assertEquals(
                real.stream().map(SimulatorMatchesRealToolsTest::normalised).toList(),
                simulated.stream()
                        .map(SimulatorMatchesRealToolsTest::normalised)
                        .toList());
        assertTrue(simulated.get(0).at().isPresent(), "the lab's lines carry --timestamps");
    }

    private static HelperUpdate normalised(HelperUpdate h) {
        return new HelperUpdate(
                h.verb(),
                Optional.empty(),
                "R",
                h.peerNodeId().isPresent() ? OptionalInt.of(1) : OptionalInt.empty(),
                h.peer().map(p -> "PEER"),
                h.volume(),
                h.minor(),
                h.helper(),
                h.status().isPresent() ? OptionalInt.of(0) : OptionalInt.empty());
    }

    // ---- vgs: a real VG on a loop device against a simulated disk of the same size -------------------

    @Test
    void aRealVolumeGroupOnALoopDeviceAndTheSimulatorsOfTheSameDiskParseToTheSameVolumeGroup() throws Exception {
        requireTool("lvm2", "vgs", "--version");
        requireTool("mount", "losetup", "--version");
        String vg = "vigil-xc-" + UUID.randomUUID().toString().substring(0, 8);
        long bytes = 64L << 20;
        Path dir = Files.createDirectories(Path.of("target", "crosscheck"));
        Path image = dir.resolve(vg + ".img").toAbsolutePath();
        try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(bytes);
        }
        cleanups.add(() -> {
            try {
                Files.deleteIfExists(image);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String loop = must("losetup", "-f", "--show", image.toString()).stdout().strip();
        cleanups.add(() -> quietly("losetup", "-d", loop));
        must("pvcreate", "-q", loop);
        cleanups.add(() -> quietly("pvremove", "-q", "-f", loop));
        must("vgcreate", "-q", vg, loop);
        cleanups.add(() -> quietly("vgremove", "-q", "-f", vg));

        a.addDisk("/dev/sdb", bytes, vg);

        VolumeGroup realVg =
                only(LvmReportParser.parseVgs("real vgs", real(vgsArgv()).stdout()), vg);
        VolumeGroup simVg =
                only(LvmReportParser.parseVgs("sim vgs", sim(a, vgsArgv()).stdout()), vg);
        assertEquals(realVg, simVg, "the same disk, pvcreate'd and vgcreate'd, no LVs: size, free, PV and LV counts");
        assertEquals(realVg.sizeBytes(), realVg.freeBytes());

        // and through the production probe: only the runner differs
        VolumeGroup realProbed = only(probeVgs(REAL), vg);
        VolumeGroup simProbed = only(probeVgs(a), vg);
        assertEquals(realProbed, simProbed);

        // lvs: the real one (no LVs can be made in this kernel) and the simulator's both parse without a problem
        ParseResult<Body> realLvs =
                LvmReportParser.toEvents("real lvs", real(lvsArgv()).stdout());
        ParseResult<Body> simLvs =
                LvmReportParser.toEvents("sim lvs", sim(a, lvsArgv()).stdout());
        assertTrue(realLvs.clean() && simLvs.clean(), realLvs.problems() + " " + simLvs.problems());

        // a thin pool of 8 MiB (4 MiB of metadata) with a thin volume of 100 MiB: this kernel has no device-mapper, so
        // lvcreate refuses, but the real LVM writes the pool into the VG's metadata (vgcfgrestore) and reports it
        addThinPoolToRealVg(vg, dir);
        a.addThinPool(vg, "pool0", 8L << 20, 4L << 20, "thin1", 100L << 20, 0);
        VolumeGroup realWithPool =
                only(LvmReportParser.parseVgs("real vgs", real(vgsArgv()).stdout()), vg);
        assertEquals(
                realWithPool,
                only(LvmReportParser.parseVgs("sim vgs", sim(a, vgsArgv()).stdout()), vg),
                "a thin pool and its volume: the pool's data, metadata and spare metadata taken, two LVs counted");
        assertEquals(2, realWithPool.logicalVolumes());
        List<LvmReport.LogicalVolume> realThin = inactive(lvsOf(REAL, vg));
        assertEquals(
                List.of("pool0", "thin1"),
                realThin.stream().map(LvmReport.LogicalVolume::name).toList());
        assertEquals(
                realThin,
                inactive(lvsOf(a, vg)),
                "the pool and its thin volume through LvmProbe: names, sizes, types, pool");
    }

    /** The LVs of {@code vg} as LvmProbe reports them. */
    private static List<LvmReport.LogicalVolume> lvsOf(CommandRunner runner, String vg) throws Exception {
        List<Body> report = new LvmProbe(runner, Map.of(), Duration.ofSeconds(30), T).poll();
        return ((LvmReport) report.get(0))
                .logicalVolumes().stream().filter(lv -> lv.vg().equals(vg)).toList();
    }

    /**
     * The LVs as an inactive VG shows them, which is all this kernel can show: lv_attr's state and
     * open characters (5th, 6th) say what the kernel holds, and the percentages come from the
     * kernel's thin-pool status; without device-mapper LVM prints X and empty strings there.
     */
    private static List<LvmReport.LogicalVolume> inactive(List<LvmReport.LogicalVolume> lvs) {
        return lvs.stream()
                .map(lv -> new LvmReport.LogicalVolume(
                        lv.vg(),
                        lv.name(),
                        lv.sizeBytes(),
                        lv.attributes().substring(0, 4) + "??" + lv.attributes().substring(6),
                        lv.pool(),
                        lv.origin(),
                        Optional.empty(),
                        Optional.empty(),
                        lv.snapshotPercent(),
                        lv.drbdResource()))
                .toList();
    }

    /**
     * Writes a thin pool (pool0: 2 extents of data, 1 of metadata, LVM's 1 spare metadata extent)
     * and a thin volume (thin1, 100 MiB) into the real VG's metadata, as lvcreate would have:
     * vgcfgbackup, the logical_volumes section added, vgcfgrestore --force (LVM asks for force to
     * restore thin volumes, whose data it cannot check).
     */
    private void addThinPoolToRealVg(String vg, Path dir) throws Exception {
        Path backup = dir.resolve(vg + ".vgcfg").toAbsolutePath();
        cleanups.add(() -> {
            try {
                Files.deleteIfExists(backup);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        must("vgcfgbackup", "-q", "-f", backup.toString(), vg);
        String metadata = Files.readString(backup);
        Path empty = dir.resolve(vg + ".empty.vgcfg").toAbsolutePath();
        Files.writeString(empty, metadata);
        // vgremove cannot remove LVs without device-mapper: the VG's metadata without them goes back first
        cleanups.add(() -> {
            try {
                quietly("vgcfgrestore", "-q", "-f", empty.toString(), vg);
            } finally {
                try {
                    Files.deleteIfExists(empty);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        String lvs = "\tlogical_volumes {\n"
                + lvMetadata(
                        "pool0",
                        true,
                        "start_extent = 0\nextent_count = 2\ntype = \"thin-pool\"\nmetadata = \"pool0_tmeta\"\n"
                                + "pool = \"pool0_tdata\"\ntransaction_id = 1\nchunk_size = 128\ndiscards = \"passdown\"\nzero_new_blocks = 1")
                + lvMetadata(
                        "thin1",
                        true,
                        "start_extent = 0\nextent_count = 25\ntype = \"thin\"\nthin_pool = \"pool0\"\n"
                                + "transaction_id = 0\ndevice_id = 1")
                + lvMetadata("lvol0_pmspare", false, striped(1, 0))
                + lvMetadata("pool0_tmeta", false, striped(1, 1))
                + lvMetadata("pool0_tdata", false, striped(2, 2))
                + "\t}\n";
        int end = metadata.stripTrailing().lastIndexOf('}');
        Files.writeString(backup, metadata.substring(0, end) + lvs + "}\n");
        must("vgcfgrestore", "-q", "--force", "-f", backup.toString(), vg);
    }

    private static String lvMetadata(String name, boolean visible, String segment) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String lvmId = String.join(
                "-",
                id.substring(0, 6),
                id.substring(6, 10),
                id.substring(10, 14),
                id.substring(14, 18),
                id.substring(18, 22),
                id.substring(22, 26),
                id.substring(26, 32));
        return "\t\t" + name + " {\nid = \"" + lvmId + "\"\nstatus = [\"READ\", \"WRITE\""
                + (visible ? ", \"VISIBLE\"" : "") + "]\n" + "flags = []\nsegment_count = 1\nsegment1 {\n" + segment
                + "\n}\n}\n";
    }

    private static String striped(int extents, int firstExtent) {
        return "start_extent = 0\nextent_count = " + extents
                + "\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", " + firstExtent + "]";
    }

    private static String[] vgsArgv() {
        return new String[] {
            "vgs",
            "--reportformat",
            "json",
            "--units",
            "b",
            "--nosuffix",
            "-o",
            "vg_name,vg_size,vg_free,pv_count,lv_count"
        };
    }

    private static String[] lvsArgv() {
        return new String[] {
            "lvs",
            "--reportformat",
            "json",
            "--units",
            "b",
            "--nosuffix",
            "-o",
            "vg_name,lv_name,lv_size,lv_attr,pool_lv,origin,data_percent,metadata_percent,snap_percent"
        };
    }

    private static ParseResult<VolumeGroup> probeVgs(CommandRunner runner) throws Exception {
        List<Body> report = new LvmProbe(runner, Map.of(), Duration.ofSeconds(30), T).poll();
        assertEquals(1, report.size());
        return ParseResult.of(((LvmReport) report.get(0)).volumeGroups());
    }

    /** The VG of that name, from a clean parse (other VGs on this machine, other tests' among them, are left alone). */
    private static VolumeGroup only(ParseResult<VolumeGroup> parsed, String vg) {
        assertTrue(parsed.clean(), parsed.problems().toString());
        List<VolumeGroup> named =
                parsed.values().stream().filter(g -> g.name().equals(vg)).toList();
        assertEquals(1, named.size(), vg + " in " + parsed.values());
        return named.get(0);
    }

    private static CommandResult must(String... argv) throws CommandException {
        CommandResult result = real(argv);
        if (result.exitCode() != 0) {
            fail(String.join(" ", argv) + " exited " + result.exitCode() + " (this test needs root): "
                    + result.stderr());
        }
        return result;
    }

    private static void quietly(String... argv) {
        try {
            CommandResult result = real(argv);
            if (result.exitCode() != 0) {
                throw new IllegalStateException(
                        String.join(" ", argv) + ": " + result.stderr().strip());
            }
        } catch (CommandException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    // ---- smartctl: the real smartctl on this machine against the simulator's answers ---------------

    /** The names of DiskHealth's optional fields that are present, with the protocol and whether there are messages. */
    private static List<String> presentFields(DiskHealth d) {
        List<String> present = new ArrayList<>();
        Map<String, Optional<?>> optionals = new java.util.LinkedHashMap<>();
        optionals.put("deviceType", d.deviceType());
        optionals.put("model", d.model());
        optionals.put("serial", d.serial());
        optionals.put("smartPassed", d.smartPassed());
        optionals.put("reallocatedSectors", d.reallocatedSectors());
        optionals.put("pendingSectors", d.pendingSectors());
        optionals.put("offlineUncorrectableSectors", d.offlineUncorrectableSectors());
        optionals.put("nvmeCriticalWarning", d.nvmeCriticalWarning());
        optionals.put("mediaErrors", d.mediaErrors());
        optionals.put("percentageUsed", d.percentageUsed());
        optionals.put("temperatureCelsius", d.temperatureCelsius());
        optionals.put("powerOnHours", d.powerOnHours());
        optionals.forEach((name, value) -> {
            if (value.isPresent()) {
                present.add(name);
            }
        });
        present.add("protocol=" + d.protocol().wire());
        present.add(d.messages().isEmpty() ? "no messages" : "messages");
        return present;
    }

    private static DiskHealth smartProbe(CommandRunner runner, SmartDevice device) throws Exception {
        List<Body> read = new SmartProbe(runner, List.of(device), Duration.ofSeconds(60), Duration.ofSeconds(5)).poll();
        assertEquals(1, read.size());
        return (DiskHealth) read.get(0);
    }

    /** This machine's own disk: the first whole disk the kernel lists. */
    private static String thisMachinesDisk() throws IOException {
        try (var entries = Files.list(Path.of("/sys/block"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("(vd|sd|xvd|hd)[a-z]+|nvme\\d+n\\d+"))
                    .sorted()
                    .findFirst()
                    .map(n -> "/dev/" + n)
                    .orElseThrow(() -> new AssertionError("no disk under /sys/block to run smartctl on"));
        }
    }

    @Test
    void aDeviceTheHostDoesNotHaveReadsTheSameFromTheRealSmartctlAndTheSimulator() throws Exception {
        requireTool("smartmontools", "smartctl", "--version");
        SmartDevice missing = SmartDevice.of("/dev/sdz");
        assertFalse(Files.exists(Path.of("/dev/sdz")), "this test needs a machine without /dev/sdz");
        CommandResult realRun = real("smartctl", "--json", "-a", "/dev/sdz");
        CommandResult simRun = sim(a, "smartctl", "--json", "-a", "/dev/sdz");
        ParseResult<DiskHealth> realParsed = SmartctlJsonParser.parse("real", realRun.stdout());
        ParseResult<DiskHealth> simParsed = SmartctlJsonParser.parse("sim", simRun.stdout());
        assertTrue(realParsed.clean() && simParsed.clean(), realParsed.problems() + " " + simParsed.problems());
        assertEquals(realRun.exitCode(), simRun.exitCode());
        // every field, smartctl's message included, equal
        assertEquals(realParsed.values(), simParsed.values());
        assertEquals(smartProbe(REAL, missing), smartProbe(a, missing));

        // behind a RAID controller: smartctl says why it could not open in its own words, so only the message text
        // differs
        SmartDevice megaraid = SmartDevice.of("/dev/bus/0", "megaraid,0");
        DiskHealth realRaid = smartProbe(REAL, megaraid);
        DiskHealth simRaid = smartProbe(a, megaraid);
        assertEquals(withoutMessageText(realRaid), withoutMessageText(simRaid));
        assertTrue(
                realRaid.messages().get(0).startsWith("Smartctl open device: /dev/bus/0 ")
                        && simRaid.messages().get(0).startsWith("Smartctl open device: /dev/bus/0 "),
                realRaid.messages() + " " + simRaid.messages());
    }

    /**
     * A poll of two drives where smartctl answers for one and hangs for the other, as on a host
     * that froze between the two runs: the pair's host goes down while the probe reads.
     */
    private DiskHealth timedOut(SmartDevice device) throws Exception {
        CommandRunner freezesAfterTheFirstRun = new CommandRunner() {
            private int runs;

            @Override
            public CommandResult run(Command command, Duration timeout) throws CommandException {
                if (runs++ == 1) {
                    pair.inject("host-down node-b");
                }
                return b.run(command, timeout);
            }

            @Override
            public RunningCommand start(Command command, java.util.function.Consumer<String> lines)
                    throws CommandException {
                return b.start(command, lines);
            }
        };
        List<Body> read = new SmartProbe(
                        freezesAfterTheFirstRun,
                        List.of(SmartDevice.of("/dev/nvme0"), device),
                        Duration.ofSeconds(60),
                        Duration.ofMillis(200))
                .poll();
        assertEquals(2, read.size());
        assertEquals(Optional.of(true), ((DiskHealth) read.get(0)).smartPassed());
        return (DiskHealth) read.get(1);
    }

    private static DiskHealth withoutMessageText(DiskHealth d) {
        return new DiskHealth(
                d.device(),
                d.deviceType(),
                d.model(),
                d.serial(),
                d.protocol(),
                d.smartPassed(),
                d.exitStatus(),
                d.flags(),
                d.reallocatedSectors(),
                d.pendingSectors(),
                d.offlineUncorrectableSectors(),
                d.nvmeCriticalWarning(),
                d.mediaErrors(),
                d.percentageUsed(),
                d.temperatureCelsius(),
                d.powerOnHours(),
                d.messages().stream().map(m -> "MESSAGE").toList());
    }

    @Test
    void thisMachinesDiskWithoutSmartAndTheSimulatorsUnreadableDisksCarryTheSameFields() throws Exception {
        requireTool("smartmontools", "smartctl", "--version");
        String disk = thisMachinesDisk();
        CommandResult realRun = real("smartctl", "--json", "-a", disk);
        ParseResult<DiskHealth> realParsed = SmartctlJsonParser.parse("real smartctl " + disk, realRun.stdout());
        assertTrue(realParsed.clean(), realParsed.problems().toString());
        DiskHealth real = realParsed.values().get(0);
        DiskHealth realProbed = smartProbe(REAL, SmartDevice.of(disk));
        assertEquals(real.device(), realProbed.device());

        // a device the simulated host does not have
        ParseResult<DiskHealth> simParsed = SmartctlJsonParser.parse(
                "sim", sim(a, "smartctl", "--json", "-a", "/dev/sdq").stdout());
        assertTrue(simParsed.clean(), simParsed.problems().toString());
        // a dead host: smartctl hangs on it; the probe reports that drive with what it knows
        // (the other drive of the poll answers, else the whole poll fails, see ProductionProbesOnSimulatorTest)
        DiskHealth dead = timedOut(SmartDevice.of("/dev/sda"));

        List<String> realFields = presentFields(real);
        assertTrue(real.exitStatus() != 0 && !real.flags().isEmpty(), "the no-SMART path exits non-zero: " + real);
        if (real.protocol() == DiskProtocol.UNKNOWN) {
            assertEquals(realFields, presentFields(simParsed.values().get(0)), "device the simulator lacks vs " + disk);
            assertEquals(realFields, presentFields(dead), "a drive whose smartctl never answered vs " + disk);
            assertEquals(SmartProbe.DID_NOT_FINISH, dead.exitStatus());
        } else {
            fail(disk + " answered SMART with protocol " + real.protocol()
                    + "; this test expects the no-SMART path of a virtual disk");
        }
    }

    @Test
    void scanOpenHasTheRealEnvelopeAndEveryDeviceTheSimulatorListsReadsCleanly() throws Exception {
        requireTool("smartmontools", "smartctl", "--version");
        CommandResult realScan = real("smartctl", "--scan-open", "--json");
        CommandResult simScan = sim(a, "smartctl", "--scan-open", "--json");
        assertEquals(realScan.exitCode(), simScan.exitCode());
        ParseResult<SmartDevice> realDevices = SmartctlScanParser.parse("real scan", realScan.stdout());
        ParseResult<SmartDevice> simDevices = SmartctlScanParser.parse("sim scan", simScan.stdout());
        assertTrue(realDevices.clean() && simDevices.clean(), realDevices.problems() + " " + simDevices.problems());
        assertEquals(
                List.of(SmartDevice.of("/dev/sda", "sat"), SmartDevice.of("/dev/nvme0", "nvme")), simDevices.values());

        JsonNode realJson = JSON.readTree(realScan.stdout());
        JsonNode simJson = JSON.readTree(simScan.stdout());
        Set<String> realKeys = keys(realJson);
        Set<String> simKeys = keys(simJson);
        simKeys.removeIf(
                k -> k.startsWith("devices")); // this machine has no SMART device, so its scan has no devices list
        realKeys.removeIf(k -> k.startsWith("devices"));
        assertEquals(realKeys, simKeys);
        assertEquals(realJson.at("/smartctl/argv"), simJson.at("/smartctl/argv"));
        for (JsonNode device : simJson.get("devices")) {
            assertEquals(Set.of("name", "info_name", "type", "protocol"), keys(device));
        }
        for (JsonNode device : realJson.path("devices")) {
            assertTrue(keys(device).containsAll(Set.of("name", "info_name", "type", "protocol")), device.toString());
        }

        // the probe with no devices configured scans, then reads each: all parse, all pass in the seed
        List<Body> disks = new SmartProbe(a, List.of(), Duration.ofSeconds(60), Duration.ofSeconds(5)).poll();
        assertEquals(
                List.of("/dev/sda", "/dev/nvme0"),
                disks.stream().map(d -> ((DiskHealth) d).device()).toList());
        assertTrue(
                disks.stream().allMatch(d -> ((DiskHealth) d).smartPassed().equals(Optional.of(true))),
                disks.toString());
    }

    /** Paths of every object key, "smartctl/argv" style; arrays are not descended into. */
    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            keys.add(e.getKey());
            if (e.getValue().isObject()) {
                keys(e.getValue()).forEach(k -> keys.add(e.getKey() + "/" + k));
            }
        }
        return keys;
    }
}
