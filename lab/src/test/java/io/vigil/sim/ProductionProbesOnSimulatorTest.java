package io.vigil.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.drbd.DrbdEventsProbe;
import io.vigil.collectors.drbd.DrbdStateModel;
import io.vigil.collectors.drbd.DrbdUpdate;
import io.vigil.collectors.drbd.ProcDrbdParser;
import io.vigil.collectors.heartbeat.HeartbeatProbe;
import io.vigil.collectors.heartbeat.Meminfo;
import io.vigil.collectors.lvm.LvmProbe;
import io.vigil.collectors.lvm.LvmReportParser;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.Probe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.ProbeHealthReporter;
import io.vigil.collectors.schedule.ProbeHealthBoard;
import io.vigil.collectors.schedule.ProbeScheduler;
import io.vigil.collectors.smart.SmartDevice;
import io.vigil.collectors.smart.SmartProbe;
import io.vigil.collectors.smart.SmartctlJsonParser;
import io.vigil.collectors.smart.SmartctlScanParser;
import io.vigil.collectors.vm.VirshDominfoParser;
import io.vigil.collectors.vm.VirshListParser;
import io.vigil.collectors.vm.VmProbe;
import io.vigil.collectors.vm.XlListParser;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdRole;
import io.vigil.events.EventKind;
import io.vigil.events.Heartbeat;
import io.vigil.events.Hypervisor;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.LogicalVolume;
import io.vigil.events.ProbeHealth;
import io.vigil.events.ReplicationState;
import io.vigil.events.SmartctlFlag;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The production probes, unchanged, on the lab's simulated pair: the simulated host is only the
 * command runner and the kernel files. Each fault and its undo is checked as the facts the probes
 * publish, and a long random run checks that nothing the simulator prints trips a parser.
 */
class ProductionProbesOnSimulatorTest {
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Map<String, Map<String, String>> VMS = Map.of(
            "node-a", Map.of("web", "r0", "mail", "r0"),
            "node-b", Map.of("db", "r1", "backup", "r1"));
    private static final Map<String, String> LVS = Map.of("vg0/r0-disk", "r0", "vg0/r1-disk", "r1");

    private final SimulatedPair pair = SimulatedPair.seed();
    private final SimulatedHost a = pair.nodeA();
    private final SimulatedHost b = pair.nodeB();
    private final List<Thread> probeThreads = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopProbes() throws Exception {
        for (AutoCloseable c : closeables) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), c::close, "closing " + c);
        }
        for (Thread t : probeThreads) {
            t.interrupt();
        }
        for (Thread t : probeThreads) {
            t.join(5_000);
            assertFalse(t.isAlive(), t.getName() + " did not stop when interrupted");
        }
    }

    /** What one host's DRBD probe published and reported. */
    static final class Seen implements EventSink, ProbeHealthReporter {
        final List<DrbdResource> events = new CopyOnWriteArrayList<>();
        final Map<String, DrbdResource> latest = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void emit(Body body) {
            DrbdResource r = (DrbdResource) body;
            events.add(r);
            latest.put(r.resource(), r);
        }

        @Override
        public void succeeded(String probe) {}

        @Override
        public void failed(String probe, String error) {
            failures.add(error);
        }

        boolean has(String resource, Predicate<DrbdResource> state) {
            DrbdResource r = latest.get(resource);
            return r != null && state.test(r);
        }

        List<DrbdResource> of(String resource) {
            return events.stream().filter(r -> r.resource().equals(resource)).toList();
        }
    }

    /** DrbdEventsProbe.run on a thread of its own, statistics and latency every 100 ms. */
    private final class DrbdProbeRun {
        final Seen seen = new Seen();

        DrbdProbeRun(SimulatedHost host) {
            this(host, host);
        }

        /** With the host's kernel files read through {@code files}. */
        DrbdProbeRun(SimulatedHost host, io.vigil.collectors.command.HostFiles files) {
            DrbdEventsProbe probe =
                    new DrbdEventsProbe(host, files, Duration.ofMillis(100), PROBE_TIMEOUT, Duration.ofMillis(100));
            Thread thread = new Thread(
                    () -> {
                        try {
                            probe.run(seen, seen);
                        } catch (InterruptedException e) {
                            // stopped by the test
                        }
                    },
                    "drbd-probe-" + host.name());
            thread.setDaemon(true);
            probeThreads.add(thread);
            thread.start();
        }
    }

    private Seen follow(SimulatedHost host) {
        DrbdProbeRun run = new DrbdProbeRun(host);
        await("initial events2 dump of " + host.name())
                .atMost(WAIT)
                .until(() -> run.seen.latest.keySet().equals(Set.of("r0", "r1")));
        return run.seen;
    }

    static DrbdConnection connection(DrbdResource r) {
        return r.connections().get(0);
    }

    static DrbdPeerDevice peerDevice(DrbdResource r) {
        return connection(r).peerDevices().get(0);
    }

    static DiskState disk(DrbdResource r) {
        return r.devices().get(0).disk();
    }

    /** Awaits a condition while simulated time moves on by {@code step} at each look. */
    private void awaitTicking(String what, Duration step, Callable<Boolean> condition) {
        await(what).atMost(WAIT).until(() -> {
            pair.tick(step);
            return condition.call();
        });
    }

    private static SmartProbe smart(SimulatedHost host) {
        return new SmartProbe(host, List.of(), Duration.ofSeconds(60), PROBE_TIMEOUT);
    }

    private static LvmProbe lvm(SimulatedHost host) {
        return new LvmProbe(host, LVS, Duration.ofSeconds(30), PROBE_TIMEOUT);
    }

    private static VmProbe vm(SimulatedHost host) {
        return new VmProbe(
                host,
                new VmProbe.Settings(
                        Hypervisor.LIBVIRT,
                        "qemu:///system",
                        VMS.get(host.name()),
                        VMS.get(host.name()).keySet(),
                        VMS.get(host.name()).keySet(),
                        Duration.ofSeconds(10),
                        PROBE_TIMEOUT));
    }

    private static HeartbeatProbe heartbeat(SimulatedHost host, ProbeHealthBoard board) {
        return new HeartbeatProbe(host, board::snapshot, Duration.ofMillis(200), Clock.systemUTC());
    }

    private static Map<String, DiskHealth> disks(SimulatedHost host) throws Exception {
        Map<String, DiskHealth> disks = new LinkedHashMap<>();
        smart(host).poll().forEach(body -> disks.put(((DiskHealth) body).device(), (DiskHealth) body));
        return disks;
    }

    private static LvmReport lvmReport(SimulatedHost host) throws Exception {
        List<Body> bodies = lvm(host).poll();
        assertEquals(1, bodies.size());
        return (LvmReport) bodies.get(0);
    }

    private static Map<String, VmStatus> vms(SimulatedHost host) throws Exception {
        Map<String, VmStatus> vms = new LinkedHashMap<>();
        vm(host).poll().forEach(body -> vms.put(((VmStatus) body).name(), (VmStatus) body));
        return vms;
    }

    // ---- the seed ----------------------------------------------------------------------------

    @Test
    void theSeedAsEveryProbeReportsIt() throws Exception {
        Seen onA = follow(a);
        Seen onB = follow(b);

        DrbdResource r0 = onA.latest.get("r0");
        assertEquals(DrbdRole.PRIMARY, r0.role());
        assertEquals(DiskState.UP_TO_DATE, disk(r0));
        assertEquals(ConnectionState.CONNECTED, connection(r0).connection());
        assertEquals(DrbdRole.SECONDARY, connection(r0).peerRole());
        assertEquals(ReplicationState.ESTABLISHED, peerDevice(r0).replication());
        assertEquals(DiskState.UP_TO_DATE, peerDevice(r0).peerDisk());
        assertEquals("node-b", connection(r0).peer());
        assertEquals("ipv4:10.99.0.2:7789", connection(r0).paths().get(0).peer());
        assertEquals(DrbdRole.SECONDARY, onA.latest.get("r1").role());
        assertEquals(DrbdRole.PRIMARY, connection(onA.latest.get("r1")).peerRole());
        assertEquals(DrbdRole.PRIMARY, onB.latest.get("r1").role());
        assertEquals(DrbdRole.PRIMARY, connection(onB.latest.get("r0")).peerRole());
        // the latency figures come from the simulated ping of the peer's replication address
        await("replication round trip measured")
                .atMost(WAIT)
                .until(() -> onA.has(
                        "r0", r -> connection(r).latency().roundTripSeconds().isPresent()));
        double rtt =
                connection(onA.latest.get("r0")).latency().roundTripSeconds().orElseThrow();
        assertTrue(rtt > 0 && rtt < 0.001, "round trip " + rtt + " s");
        // the statistics refresh brings the counters of the VMs' writes
        pair.tick(Duration.ofSeconds(10));
        await("written bytes on r0")
                .atMost(WAIT)
                .until(() -> onA.has(
                        "r0",
                        r -> r.devices()
                                        .get(0)
                                        .statistics()
                                        .map(s -> s.writtenBytes() > 0)
                                        .orElse(false)
                                && peerDevice(r).sentBytes().orElse(0L) > 0));

        for (SimulatedHost host : pair.hosts()) {
            Map<String, VmStatus> vms = vms(host);
            assertEquals(Set.of("web", "mail", "db", "backup"), vms.keySet(), "every VM is defined on both hosts");
            for (VmStatus vm : vms.values()) {
                if (!VMS.get(host.name()).containsKey(vm.name())) {
                    assertEquals(VmState.SHUT_OFF, vm.state(), "the peer's VM rests here: " + vm);
                    continue;
                }
                assertEquals(VmState.RUNNING, vm.state(), vm.toString());
                assertEquals(Optional.of(VMS.get(host.name()).get(vm.name())), vm.drbdResource());
                assertEquals(io.vigil.events.Liveness.ALIVE, vm.liveness());
                assertTrue(
                        vm.memoryBytes().orElse(0L) > 0
                                && vm.vcpus().orElse(0) > 0
                                && vm.uuid().isPresent(),
                        vm.toString());
            }

            Map<String, DiskHealth> disks = disks(host);
            assertEquals(List.of("/dev/sda", "/dev/nvme0"), List.copyOf(disks.keySet()));
            assertEquals(DiskProtocol.ATA, disks.get("/dev/sda").protocol());
            assertEquals(DiskProtocol.NVME, disks.get("/dev/nvme0").protocol());
            for (DiskHealth d : disks.values()) {
                assertEquals(Optional.of(true), d.smartPassed(), d.toString());
                assertEquals(0, d.exitStatus());
                assertTrue(
                        d.flags().isEmpty()
                                && d.serial().isPresent()
                                && d.temperatureCelsius().isPresent(),
                        d.toString());
            }

            LvmReport report = lvmReport(host);
            assertEquals(
                    List.of("vg0"),
                    report.volumeGroups().stream().map(g -> g.name()).toList());
            assertEquals(
                    4,
                    report.volumeGroups().get(0).logicalVolumes(),
                    "r0's and r1's disks, the thin pool and its volume");
            Map<String, Optional<String>> backs = new HashMap<>();
            report.logicalVolumes().forEach(lv -> backs.put(lv.vg() + "/" + lv.name(), lv.drbdResource()));
            assertEquals(
                    Map.of(
                            "vg0/r0-disk",
                            Optional.of("r0"),
                            "vg0/r1-disk",
                            Optional.of("r1"),
                            "vg0/pool0",
                            Optional.empty(),
                            "vg0/scratch",
                            Optional.empty()),
                    backs);
            LogicalVolume pool = report.logicalVolumes().stream()
                    .filter(lv -> lv.name().equals("pool0"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(Optional.of(host.thinPoolDataPercent("vg0", "pool0")), pool.dataPercent());
            assertTrue(
                    pool.metadataPercent().orElseThrow() > 0
                            && pool.metadataPercent().get() < pool.dataPercent().get(),
                    pool.toString());
            LogicalVolume scratch = report.logicalVolumes().stream()
                    .filter(lv -> lv.name().equals("scratch"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(Optional.of("pool0"), scratch.pool());
            assertTrue(
                    scratch.dataPercent().isPresent()
                            && scratch.metadataPercent().isEmpty(),
                    scratch.toString());

            ProbeHealthBoard board =
                    new ProbeHealthBoard(new SimpleMeterRegistry(), "pair-1", "node-a", Clock.systemUTC());
            Heartbeat beat = (Heartbeat) heartbeat(host, board).poll().get(0);
            assertEquals(host.memoryTotalKiB() * 1024, beat.memoryTotalBytes());
            assertEquals(host.memoryAvailableKiB() * 1024, beat.memoryAvailableBytes());
        }
    }

    // ---- DRBD's debugfs: the oldest request in flight to the peer ---------------------------------

    private static Optional<Double> oldestRequest(Seen seen, String resource) {
        return Optional.ofNullable(seen.latest.get(resource))
                .flatMap(r -> connection(r).latency().oldestRequestSeconds());
    }

    @Test
    void theOldestRequestIsYoungWhileThePeerAcksAndAgesWhileAResyncFromThePrimaryFillsTheLink() throws Exception {
        Seen onA = follow(a);
        await("the oldest request of node-a's r0 read from debugfs")
                .atMost(WAIT)
                .until(() -> oldestRequest(onA, "r0").isPresent()
                        && oldestRequest(onA, "r1").isPresent());
        double young = oldestRequest(onA, "r0").orElseThrow();
        assertTrue(
                young > 0 && young < 0.01,
                "web and mail write to r0 and node-b acks within a round trip: " + young + " s");
        assertEquals(
                Optional.of(0.0), oldestRequest(onA, "r1"), "node-a is Secondary of r1: nothing of its own in flight");

        // apart for 15 minutes, node-a's writes pile up out of sync; back together, node-a resyncs node-b while its VMs
        // write on
        assertTrue(pair.inject("link-cut").applied());
        pair.tick(Duration.ofMinutes(15));
        assertTrue(pair.inject("link-restore").applied());
        await("node-a is the resync's source")
                .atMost(WAIT)
                .until(() -> onA.has("r0", r -> peerDevice(r).replication() == ReplicationState.SYNC_SOURCE));
        for (int seconds : List.of(2, 4, 6)) {
            pair.tick(Duration.ofSeconds(2));
            await("the oldest request waits " + seconds + " s behind the resync")
                    .atMost(WAIT)
                    .until(() -> oldestRequest(onA, "r0").orElse(0.0) >= seconds
                            && oldestRequest(onA, "r0").orElse(0.0) < seconds + 1);
        }
        awaitTicking(
                "the resync ends",
                Duration.ofSeconds(1),
                () -> onA.has("r0", r -> peerDevice(r).replication() == ReplicationState.ESTABLISHED));
        await("the link is free again")
                .atMost(WAIT)
                .until(() -> oldestRequest(onA, "r0").orElse(1.0) < 0.01);
    }

    @Test
    void withoutDebugfsTheProbeStillMeasuresTheRoundTripAndLeavesTheOldestRequestUnknown() {
        // debugfs unmounted (or a kernel without it): its files are not there, the rest of the host is
        io.vigil.collectors.command.HostFiles noDebugfs = new io.vigil.collectors.command.HostFiles() {
            @Override
            public Optional<String> read(Path path) throws java.io.IOException {
                return path.startsWith("/sys/kernel/debug") ? Optional.empty() : a.read(path);
            }

            @Override
            public List<String> list(Path directory) throws java.io.IOException {
                return directory.startsWith("/sys/kernel/debug") ? List.of() : a.list(directory);
            }
        };
        Seen onA = new DrbdProbeRun(a, noDebugfs).seen;
        await("round trip measured")
                .atMost(WAIT)
                .until(() -> onA.has(
                        "r0", r -> connection(r).latency().roundTripSeconds().isPresent()));
        pair.tick(Duration.ofSeconds(5));
        await("a later measurement").atMost(WAIT).until(() -> onA.events.size() > 3);
        assertEquals(Optional.empty(), oldestRequest(onA, "r0"), "not measured is unknown, not 0");
        assertEquals(List.of(), onA.failures, "a missing debugfs is no failure of the probe");
    }

    // ---- a disk dies, and is replaced ----------------------------------------------------------

    @Test
    void aDeadDiskIsFailedThenDisklessWithSmartFailingAndTheReplacementResyncsUntilUpToDate() throws Exception {
        Seen onA = follow(a);
        Seen onB = follow(b);
        assertTrue(pair.inject("disk-fail node-a /dev/sda").applied());

        await("node-a detaches r0 and r1")
                .atMost(WAIT)
                .until(() -> onA.has("r0", r -> disk(r) == DiskState.DISKLESS)
                        && onA.has("r1", r -> disk(r) == DiskState.DISKLESS));
        assertTrue(onA.of("r0").stream().anyMatch(r -> disk(r) == DiskState.FAILED), "Failed before Diskless");
        assertEquals(DrbdRole.PRIMARY, onA.latest.get("r0").role(), "a diskless Primary goes on with the peer's disk");
        await("node-b sees node-a's r0 Diskless")
                .atMost(WAIT)
                .until(() -> onB.has("r0", r -> peerDevice(r).peerDisk() == DiskState.DISKLESS));
        assertTrue(onB.of("r0").stream().anyMatch(r -> peerDevice(r).peerDisk() == DiskState.FAILED));

        DiskHealth sda = disks(a).get("/dev/sda");
        assertEquals(Optional.of(false), sda.smartPassed());
        assertTrue(
                sda.flags()
                        .containsAll(EnumSet.of(
                                SmartctlFlag.DISK_FAILING,
                                SmartctlFlag.PREFAIL_BELOW_THRESHOLD,
                                SmartctlFlag.ERROR_LOG_HAS_ERRORS)),
                sda.flags().toString());
        assertTrue(
                sda.reallocatedSectors().orElseThrow() > 0
                        && sda.pendingSectors().orElseThrow() > 0,
                sda.toString());
        assertEquals(Optional.of(true), disks(a).get("/dev/nvme0").smartPassed(), "the OS disk is fine");
        assertEquals(Optional.of(true), disks(b).get("/dev/sda").smartPassed(), "node-b's disk is fine");
        for (LogicalVolume lv : lvmReport(a).logicalVolumes()) {
            assertEquals('p', lv.attributes().charAt(8), "partial: its PV is missing: " + lv);
        }

        String oldSerial = sda.serial().orElseThrow();
        assertTrue(pair.inject("disk-replace node-a /dev/sda").applied());
        await("resync of r0 to node-a")
                .atMost(WAIT)
                .until(() -> onA.has("r0", r -> peerDevice(r).replication() == ReplicationState.SYNC_TARGET)
                        && onB.has(
                                "r0",
                                r -> peerDevice(r).replication() == ReplicationState.SYNC_SOURCE
                                        && peerDevice(r).donePercent().isPresent()));
        List<Double> done = new ArrayList<>();
        done.add(peerDevice(onB.latest.get("r0")).donePercent().orElseThrow());
        for (int i = 0; i < 3; i++) {
            double before = done.get(done.size() - 1);
            pair.tick(Duration.ofSeconds(8));
            await("done % rises past " + before)
                    .atMost(WAIT)
                    .until(() -> onB.has("r0", r -> peerDevice(r).donePercent().orElse(0.0) > before));
            done.add(peerDevice(onB.latest.get("r0")).donePercent().orElseThrow());
        }
        assertTrue(done.get(3) < 100, "still syncing: " + done);
        assertTrue(peerDevice(onB.latest.get("r0")).etaSeconds().isPresent()
                && peerDevice(onB.latest.get("r0")).outOfSyncBytes().orElse(0L) > 0);
        awaitTicking(
                "r0 and r1 UpToDate on both",
                Duration.ofSeconds(5),
                () -> onA.has(
                                "r0",
                                r -> disk(r) == DiskState.UP_TO_DATE
                                        && peerDevice(r).replication() == ReplicationState.ESTABLISHED)
                        && onA.has("r1", r -> disk(r) == DiskState.UP_TO_DATE)
                        && onB.has(
                                "r0",
                                r -> peerDevice(r).peerDisk() == DiskState.UP_TO_DATE
                                        && peerDevice(r).donePercent().isEmpty()));
        List<Double> seenDone = onB.of("r0").stream()
                .flatMap(r -> peerDevice(r).donePercent().stream())
                .toList();
        for (int i = 1; i < seenDone.size(); i++) {
            assertTrue(seenDone.get(i) >= seenDone.get(i - 1), "done % never goes back: " + seenDone);
        }
        DiskHealth replaced = disks(a).get("/dev/sda");
        assertEquals(Optional.of(true), replaced.smartPassed());
        assertTrue(replaced.flags().isEmpty());
        assertFalse(replaced.serial().orElseThrow().equals(oldSerial), "a new disk, a new serial");
    }

    // ---- a host dies, and comes back ------------------------------------------------------------

    @Test
    void aDeadHostCostsThePeerItsConnectionAndItsOwnProbesFailInTimeUntilItReturns() throws Exception {
        Seen onA = follow(a);
        Seen onB = follow(b);
        assertTrue(pair.inject("host-down node-b").applied());

        await("node-a's r0 leaves Connected")
                .atMost(WAIT)
                .until(() -> onA.has("r0", r -> connection(r).connection() == ConnectionState.CONNECTING));
        assertTrue(
                onA.of("r0").stream().anyMatch(r -> connection(r).connection() == ConnectionState.TIMEOUT),
                "Timeout first");
        assertEquals(DrbdRole.UNKNOWN, connection(onA.latest.get("r0")).peerRole());
        assertEquals(ReplicationState.OFF, peerDevice(onA.latest.get("r0")).replication());

        ProbeHealthBoard board = new ProbeHealthBoard(new SimpleMeterRegistry(), "pair-1", "node-a", Clock.systemUTC());
        List<PolledProbe> probesOnB = List.of(smart(b), lvm(b), vm(b), heartbeat(b, board));
        for (PolledProbe probe : probesOnB) {
            ProbeException failure = assertTimeoutPreemptively(
                    Duration.ofSeconds(3),
                    () -> assertThrows(ProbeException.class, probe::poll),
                    probe.name() + " on a dead host must fail within its timeout");
            assertFalse(failure.getMessage().isBlank());
        }
        // its own DRBD probe: the stream is silent and the statistics refresh times out
        await("node-b's drbd probe reports the hung refresh")
                .atMost(WAIT)
                .until(() -> onB.failures.stream().anyMatch(f -> f.contains("killed after running longer than")));
        int eventsOnBWhileDown = onB.events.size();
        pair.tick(Duration.ofSeconds(5)); // node-a's VMs go on writing r0, now out of sync
        await("node-a counts r0 out of sync")
                .atMost(WAIT)
                .until(() -> onA.has("r0", r -> peerDevice(r).outOfSyncBytes().orElse(0L) > 0));
        assertEquals(eventsOnBWhileDown, onB.events.size(), "a frozen host publishes nothing");

        assertTrue(pair.inject("host-up node-b").applied());
        // its events2 died with it: the probe restarts it and reads the rebooted host's state
        await("node-b's drbd probe follows the restarted events2")
                .atMost(WAIT)
                .until(() -> onB.failures.stream().anyMatch(f -> f.contains("exited with status 137"))
                        && onB.has("r1", r -> r.role() == DrbdRole.SECONDARY));
        awaitTicking(
                "r0 resynced to node-b and both Connected again",
                Duration.ofSeconds(5),
                () -> onB.has(
                                "r0",
                                r -> connection(r).connection() == ConnectionState.CONNECTED
                                        && disk(r) == DiskState.UP_TO_DATE
                                        && peerDevice(r).replication() == ReplicationState.ESTABLISHED)
                        && onA.has(
                                "r0",
                                r -> peerDevice(r).replication() == ReplicationState.ESTABLISHED
                                        && peerDevice(r).outOfSyncBytes().equals(Optional.of(0L))));
        assertTrue(
                onB.of("r0").stream().anyMatch(r -> peerDevice(r).replication() == ReplicationState.SYNC_TARGET),
                "what node-a wrote meanwhile was resynced");
        Map<String, VmStatus> vmsOnB = vms(b);
        assertEquals(VmState.SHUT_OFF, vmsOnB.get("db").state(), "rebooted: VMs off");
        assertEquals(io.vigil.events.Liveness.NOT_CHECKED, vmsOnB.get("db").liveness());
        assertEquals(2, disks(b).size());
        assertEquals(1, lvmReport(b).volumeGroups().size());
    }

    // ---- the replication link is cut, and restored ------------------------------------------------

    @Test
    void aCutLinkDisconnectsBothSidesOutOfSyncGrowsOnTheWritersAndTheRestoredLinkResyncs() throws Exception {
        Seen onA = follow(a);
        Seen onB = follow(b);
        assertTrue(pair.inject("link-cut").applied());

        for (Seen side : List.of(onA, onB)) {
            await("disconnected")
                    .atMost(WAIT)
                    .until(() -> side.has("r0", r -> connection(r).connection() == ConnectionState.CONNECTING)
                            && side.has("r1", r -> connection(r).connection() == ConnectionState.CONNECTING));
            assertTrue(side.of("r0").stream()
                    .anyMatch(r -> connection(r).connection() == ConnectionState.NETWORK_FAILURE));
            assertFalse(connection(side.latest.get("r0")).paths().get(0).established());
            assertEquals(DiskState.DUNKNOWN, peerDevice(side.latest.get("r1")).peerDisk());
        }
        // each host writes the resource it is Primary for: node-a r0, node-b r1
        Map<Seen, String> writes = Map.of(onA, "r0", onB, "r1");
        Map<Seen, Long> last = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            pair.tick(Duration.ofSeconds(3));
            for (Map.Entry<Seen, String> w : writes.entrySet()) {
                long before = last.getOrDefault(w.getKey(), 0L);
                await(w.getValue() + " out-of-sync grows past " + before)
                        .atMost(WAIT)
                        .until(() -> w.getKey()
                                .has(
                                        w.getValue(),
                                        r -> peerDevice(r).outOfSyncBytes().orElse(0L) > before));
                last.put(
                        w.getKey(),
                        peerDevice(w.getKey().latest.get(w.getValue()))
                                .outOfSyncBytes()
                                .orElseThrow());
            }
        }
        assertEquals(3L * 3 * 2 * SimulatedPair.WRITE_RATE_KIB_PER_VM * 1024, last.get(onA), "two VMs writing 9 s");

        assertTrue(pair.inject("link-restore").applied());
        awaitTicking("both resources Established and UpToDate on both sides", Duration.ofSeconds(2), () -> {
            for (Seen side : List.of(onA, onB)) {
                for (String resource : List.of("r0", "r1")) {
                    if (!side.has(
                            resource,
                            r -> connection(r).connection() == ConnectionState.CONNECTED
                                    && peerDevice(r).replication() == ReplicationState.ESTABLISHED
                                    && disk(r) == DiskState.UP_TO_DATE
                                    && peerDevice(r).peerDisk() == DiskState.UP_TO_DATE
                                    && peerDevice(r).outOfSyncBytes().equals(Optional.of(0L))
                                    && connection(r).paths().get(0).established())) {
                        return false;
                    }
                }
            }
            return true;
        });
        assertTrue(
                onB.of("r0").stream().anyMatch(r -> peerDevice(r).replication() == ReplicationState.SYNC_TARGET),
                "r0 resynced from node-a");
        assertTrue(
                onA.of("r1").stream().anyMatch(r -> peerDevice(r).replication() == ReplicationState.SYNC_TARGET),
                "r1 resynced from node-b");
        assertFalse(onA.latest.get("r0").splitBrain());
    }

    // ---- the agent's scheduler around all of them ------------------------------------------------

    private record Agent(ProbeScheduler scheduler, ProbeHealthBoard board, List<Body> published) {
        boolean allHealthy() {
            List<ProbeHealth> health = board.snapshot();
            return health.size() == 5 && health.stream().allMatch(ProbeHealth::healthy);
        }

        boolean unhealthy(String probe) {
            return board.health(probe)
                    .map(h -> !h.healthy() && h.consecutiveFailures() > 0)
                    .orElse(false);
        }

        Set<EventKind> kinds() {
            Set<EventKind> kinds = new TreeSet<>();
            published.forEach(b -> kinds.add(b.kind()));
            return kinds;
        }
    }

    private Agent agent(SimulatedHost host) {
        ProbeHealthBoard board = new ProbeHealthBoard(new SimpleMeterRegistry(), "pair-1", "node-a", Clock.systemUTC());
        List<Body> published = new CopyOnWriteArrayList<>();
        Duration every = Duration.ofMillis(200);
        List<Probe> probes = List.of(
                new DrbdEventsProbe(host, host, every, PROBE_TIMEOUT, every),
                new SmartProbe(host, List.of(), every, PROBE_TIMEOUT),
                new LvmProbe(host, LVS, every, PROBE_TIMEOUT),
                new VmProbe(
                        host,
                        new VmProbe.Settings(
                                Hypervisor.LIBVIRT,
                                "qemu:///system",
                                VMS.get(host.name()),
                                VMS.get(host.name()).keySet(),
                                Set.of(),
                                every,
                                PROBE_TIMEOUT)),
                heartbeat(host, board));
        ProbeScheduler scheduler = new ProbeScheduler(
                probes,
                published::add,
                board,
                new ProbeScheduler.Timing(
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(3)));
        closeables.add(scheduler);
        scheduler.start();
        return new Agent(scheduler, board, published);
    }

    @Test
    void theSchedulerRunsEveryProbeOnBothHostsAndTheirHealthFollowsAHostDownAndUp() throws Exception {
        Agent onA = agent(a);
        Agent onB = agent(b);
        Set<EventKind> all =
                EnumSet.of(EventKind.DRBD, EventKind.DISK, EventKind.LVM, EventKind.VM, EventKind.HEARTBEAT);
        for (Agent agent : List.of(onA, onB)) {
            await("every probe publishes and is healthy")
                    .atMost(WAIT)
                    .until(() -> agent.kinds().equals(all) && agent.allHealthy());
        }
        await("a heartbeat that carries the probes' health")
                .atMost(WAIT)
                .until(() -> onA.published().stream()
                        .anyMatch(body -> body instanceof Heartbeat h
                                && h.probes().size() == 5
                                && h.probes().stream().allMatch(ProbeHealth::healthy)));

        assertTrue(pair.inject("host-down node-b").applied());
        await("node-b's probes fail")
                .atMost(WAIT)
                .until(() -> List.of("drbd", "smart", "lvm", "vm", "heartbeat").stream()
                        .allMatch(onB::unhealthy));
        await("node-a's drbd probe sees the connection gone")
                .atMost(WAIT)
                .until(() -> onA.published().stream()
                        .anyMatch(body -> body instanceof DrbdResource r
                                && r.resource().equals("r0")
                                && connection(r).connection() == ConnectionState.TIMEOUT));
        assertTrue(
                onA.allHealthy(),
                "node-a's probes are not affected: " + onA.board().snapshot());
        // the command runner's timeout and the scheduler's are the same here: either may report it first
        assertTrue(
                onB.board()
                        .health("smart")
                        .orElseThrow()
                        .lastError()
                        .filter(e -> e.contains("300"))
                        .isPresent(),
                onB.board().health("smart").toString());

        assertTrue(pair.inject("host-up node-b").applied());
        await("node-b's probes recover").atMost(WAIT).until(onB::allHealthy);
        int before = onB.published().size();
        await("node-b publishes again").atMost(WAIT).until(() -> onB.published().size() > before);
    }

    // ---- everything the simulator prints parses -----------------------------------------------------

    /** One events2 stream the test follows, every line parsed and fed to a state model as it arrives. */
    private static final class FollowedStream {
        final String host;
        final RunningCommand command;
        final DrbdStateModel model = new DrbdStateModel();
        int lines;

        FollowedStream(SimulatedHost host, List<String> problems) throws CommandException {
            this.host = host.name();
            this.command = host.start(Command.of("drbdsetup", "events2", "--timestamps", "--statistics"), line -> {
                int number = ++lines;
                ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parseLine("events2 on " + this.host, number, line);
                parsed.problems().forEach(p -> problems.add(p.toString()));
                try {
                    parsed.values().forEach(model::apply);
                } catch (RuntimeException e) {
                    problems.add(
                            "events2 on " + this.host + ":" + number + ": the state model threw " + e + " on: " + line);
                }
            });
        }
    }

    private static void collect(List<String> problems, String what, ParseResult<?> parsed) {
        for (ParseProblem p : parsed.problems()) {
            problems.add(what + ": " + p);
        }
    }

    /** Runs every command and file read the agent issues on a live host, through the production parsers. */
    private static void readEverything(SimulatedHost host, List<String> problems) throws Exception {
        Duration t = Duration.ofSeconds(5);
        for (boolean statistics : List.of(true, false)) {
            Command now = statistics
                    ? Command.of("drbdsetup", "events2", "--now", "--timestamps", "--statistics")
                    : Command.of("drbdsetup", "events2", "--now");
            ParseResult<Body> drbd =
                    DrbdEventsParser.toEvents(now.toString(), host.run(now, t).stdout());
            collect(problems, host.name(), drbd);
            if (drbd.values().size() != 2) {
                problems.add(
                        host.name() + ": " + now + " yielded " + drbd.values().size() + " resources");
            }
        }
        CommandResult scan = host.run(Command.of("smartctl", "--scan-open", "--json"), t);
        ParseResult<SmartDevice> devices = SmartctlScanParser.parse("scan on " + host.name(), scan.stdout());
        collect(problems, host.name(), devices);
        for (SmartDevice device : devices.values()) {
            for (Command smartctl : List.of(
                    Command.of("smartctl", "--json", "-a", "-d", device.type().orElseThrow(), device.device()),
                    Command.of("smartctl", "--json", "-a", device.device()))) {
                CommandResult result = host.run(smartctl, t);
                ParseResult<DiskHealth> health =
                        SmartctlJsonParser.parse(smartctl + " on " + host.name(), result.stdout());
                collect(problems, host.name(), health);
                if (health.values().size() != 1
                        || health.values().get(0).exitStatus() != result.exitCode()
                        || health.values().get(0).protocol() == DiskProtocol.UNKNOWN) {
                    problems.add(host.name() + ": " + smartctl + " read as " + health.values() + " (exit "
                            + result.exitCode() + ")");
                }
            }
        }
        CommandResult vgs = host.run(
                Command.of(
                        "vgs",
                        "--reportformat",
                        "json",
                        "--units",
                        "b",
                        "--nosuffix",
                        "-o",
                        "vg_name,vg_size,vg_free,pv_count,lv_count"),
                t);
        collect(problems, host.name(), LvmReportParser.parseVgs("vgs on " + host.name(), vgs.stdout()));
        CommandResult lvs = host.run(
                Command.of(
                        "lvs",
                        "--reportformat",
                        "json",
                        "--units",
                        "b",
                        "--nosuffix",
                        "-o",
                        "vg_name,lv_name,lv_size,lv_attr,pool_lv,origin,data_percent,metadata_percent,snap_percent"),
                t);
        collect(problems, host.name(), LvmReportParser.parseLvs("lvs on " + host.name(), lvs.stdout()));
        CommandResult list = host.run(Command.of("virsh", "-c", "qemu:///system", "list", "--all"), t);
        ParseResult<VirshListParser.Domain> domains =
                VirshListParser.parse("virsh list on " + host.name(), list.stdout());
        collect(problems, host.name(), domains);
        for (VirshListParser.Domain domain : domains.values()) {
            CommandResult info = host.run(Command.of("virsh", "-c", "qemu:///system", "dominfo", domain.name()), t);
            ParseResult<VirshDominfoParser.DomainInfo> parsed =
                    VirshDominfoParser.parse("dominfo " + domain.name() + " on " + host.name(), info.stdout());
            collect(problems, host.name(), parsed);
            if (parsed.values().size() != 1 || parsed.values().get(0).state() != domain.state()) {
                problems.add(host.name() + ": dominfo " + domain.name() + " read as " + parsed.values() + ", list says "
                        + domain.state());
            }
        }
        collect(
                problems,
                host.name(),
                XlListParser.parse(
                        "xl list on " + host.name(),
                        host.run(Command.of("xl", "list"), t).stdout()));
        try {
            Meminfo.parse(
                    "/proc/meminfo on " + host.name(),
                    host.read(Path.of("/proc/meminfo")).orElseThrow());
        } catch (ProbeException e) {
            problems.add(host.name() + ": " + e.getMessage());
        }
        // the simulated hosts run DRBD 9, whose /proc/drbd holds only version lines: the parser says so, once, and
        // reads no device
        ParseResult<ProcDrbdParser.Minor> proc = ProcDrbdParser.parse(
                "/proc/drbd on " + host.name(), host.read(Path.of("/proc/drbd")).orElseThrow());
        if (!proc.values().isEmpty()
                || proc.problems().size() != 1
                || !proc.problems().get(0).message().startsWith("DRBD 9 lists no devices")) {
            problems.add(host.name() + ": /proc/drbd read as " + proc.values() + " with " + proc.problems());
        }
    }

    @Test
    void everyLineTheSimulatorPrintsOverALongRandomRunParsesWithoutAProblem() throws Exception {
        long seed = 20261125L;
        Random random = new Random(seed);
        List<String> faults = List.of(
                "disk-fail node-a /dev/sda",
                "disk-fail node-b /dev/sda",
                "disk-fail node-a /dev/nvme0",
                "disk-replace node-a /dev/sda",
                "disk-replace node-b /dev/sda",
                "disk-replace node-a /dev/nvme0",
                "host-down node-a",
                "host-down node-b",
                "host-up node-a",
                "host-up node-b",
                "link-cut",
                "link-restore",
                "agent-hang node-a web",
                "agent-recover node-a web");
        List<String> problems = new CopyOnWriteArrayList<>();
        Map<String, FollowedStream> streams = new HashMap<>();
        List<FollowedStream> allStreams = new ArrayList<>();
        Set<String> applied = new TreeSet<>();
        int steps = 400;
        for (int step = 0; step < steps; step++) {
            for (SimulatedHost host : pair.hosts()) {
                FollowedStream s = streams.get(host.name());
                if (host.isUp() && (s == null || !s.command.isAlive())) {
                    s = new FollowedStream(host, problems);
                    streams.put(host.name(), s);
                    allStreams.add(s);
                }
            }
            int dice = random.nextInt(10);
            if (dice < 4) {
                String fault = faults.get(random.nextInt(faults.size()));
                if (pair.inject(fault).applied()) {
                    applied.add(fault.split(" ")[0]);
                }
            } else if (dice < 7) {
                pair.tick(Duration.ofMillis(500 + random.nextInt(20_000)));
            } else {
                operatorAction(random);
            }
            for (SimulatedHost host : pair.hosts()) {
                if (host.isUp()) {
                    readEverything(host, problems);
                }
            }
        }
        // end each stream after what it printed, as drbdsetup ends at EOF, and let every line arrive
        for (FollowedStream s : allStreams) {
            synchronized (pair.lock) {
                if (s.command instanceof Events2Stream stream && !stream.ended()) {
                    stream.end(0);
                }
            }
            assertTrue(
                    s.command.awaitExit(Duration.ofSeconds(10)).isPresent(), "events2 on " + s.host + " did not drain");
        }
        int lines = allStreams.stream().mapToInt(s -> s.lines).sum();
        assertEquals(
                Set.of(
                        "agent-hang",
                        "agent-recover",
                        "disk-fail",
                        "disk-replace",
                        "host-down",
                        "host-up",
                        "link-cut",
                        "link-restore"),
                applied,
                "the run went through every fault and its undo (seed " + seed + ")");
        assertTrue(
                problems.isEmpty(),
                problems.size() + " parse problems over " + steps + " steps (seed " + seed + "):\n"
                        + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
        assertTrue(allStreams.size() > 2 && lines > 200, allStreams.size() + " streams, " + lines + " lines");
    }

    /** What an operator or the failover would do meanwhile: stop, start and balloon VMs, promote and demote. Refusals are fine. */
    private void operatorAction(Random random) {
        SimulatedHost host = pair.hosts().get(random.nextInt(2));
        List<String> vms = host.vmNames();
        String vm = vms.get(random.nextInt(vms.size()));
        String resource = random.nextBoolean() ? "r0" : "r1";
        try {
            switch (random.nextInt(5)) {
                case 0 -> host.shutdownVm(vm);
                case 1 -> host.startVm(vm);
                case 2 -> host.setVmMemory(vm, 1_048_576L + random.nextInt(3) * 1_048_576L);
                case 3 -> host.promote(resource);
                default -> host.demote(resource);
            }
        } catch (IllegalStateException | IllegalArgumentException refused) {
            // DRBD or libvirt said no, as they would
        }
    }
}
