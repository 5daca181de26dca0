package io.vigil.sim;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskProtocol;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.Name;
import io.vigil.events.VmState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's pair of hosts, node-a and node-b, as docs/lab.md describes them: node-a Primary for
 * r0 (VMs web and mail), node-b Primary for r1 (VMs db and backup), both resources' LVs in vg0 on
 * each host's big ATA disk /dev/sda (the NVMe /dev/nvme0 holds the OS), 16 GiB of RAM each, one
 * crossover cable between them.
 * <p>
 * The pair owns what the two hosts share: one lock (so a change and the events2 lines it causes
 * on both hosts happen as one step), the simulated clock, the cable and each resource's
 * replication (out-of-sync, resync). Time moves only through {@link #tick}, so tests and the
 * lab's scheduler decide how fast resyncs run. Faults go in through {@link #apply} or, typed by a
 * user, {@link #inject}.
 */
public final class SimulatedPair {
    private static final Logger log = LoggerFactory.getLogger(SimulatedPair.class);
    /** simulated resync speed: a full 20 GiB resync takes about 40 s of simulated time */
    public static final long RESYNC_RATE_KIB_PER_SECOND = 500L * 1024;

    private volatile boolean deterministic;
    private volatile boolean untimed;
    private volatile Duration skipped = Duration.ZERO;
    /** what one running VM writes to its DRBD device */
    static final long WRITE_RATE_KIB_PER_VM = 2048;
    /** Where the simulated clock starts, every time: the same story gives the same timeline. */
    public static final Instant SEED_TIME = Instant.parse("2026-11-25T07:00:00.123456Z");

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    private static final long LV_BYTES = 20L << 30;
    private static final long HOST_RAM_KIB = 16_303_940;

    final Object lock = new Object();
    private final SimulatedHost nodeA;
    private final SimulatedHost nodeB;
    final Map<String, ReplicationLink> links = new LinkedHashMap<>();
    private boolean cableConnected = true;
    private final Instant startedAt;
    private Instant now;
    private Instant lastStamp = Instant.EPOCH;
    /** how long a guest asked to shut down takes to power off, in simulated time */
    static final Duration GUEST_SHUTDOWN_DELAY = Duration.ofSeconds(3);
    /** VMs whose next live migration breaks halfway (the migration-fails fault) */
    final Set<String> failingMigrations = new HashSet<>();
    /** per VM, how often its guest booted: a live migration is no boot */
    private final Map<String, Integer> boots = new LinkedHashMap<>();
    /** starts the lab refused because the VM ran on the other host: each would have been two guests on one disk */
    private final List<String> doubleRunRefusals = new ArrayList<>();

    private SimulatedPair(Instant start) {
        this.startedAt = start;
        this.now = start;
        nodeA = new SimulatedHost(this, "node-a", 0, "10.99.0.1", HOST_RAM_KIB);
        nodeB = new SimulatedHost(this, "node-b", 1, "10.99.0.2", HOST_RAM_KIB);
    }

    /** The seed setting, its clock at 2026-11-25T07:00:00.123456Z. */
    public static SimulatedPair seed() {
        return seed(SEED_TIME);
    }

    public static SimulatedPair seed(Instant start) {
        SimulatedPair pair = new SimulatedPair(start);
        synchronized (pair.lock) {
            pair.build();
        }
        return pair;
    }

    private void build() {
        for (SimulatedHost host : hosts()) {
            String suffix = host == nodeA ? "A" : "B";
            host.disks.put(
                    "/dev/sda",
                    new SimDisk(
                            "/dev/sda",
                            DiskProtocol.ATA,
                            Optional.of("vg0"),
                            "Western Digital Red",
                            "WDC WD40EFRX-68N32N0",
                            "WD-WCC7K4NLX9P" + suffix,
                            "82.00A82",
                            4_000_787_030_016L,
                            34,
                            23_871));
            host.disks.put(
                    "/dev/nvme0",
                    new SimDisk(
                            "/dev/nvme0",
                            DiskProtocol.NVME,
                            Optional.empty(),
                            "",
                            "Samsung SSD 970 EVO Plus 500GB",
                            "S4EVNX0R60981" + suffix,
                            "2B2QEXM7",
                            500_107_862_016L,
                            38,
                            11_402));
            host.resources.put("r0", new SimResource("r0", 0, 7789, "vg0", "r0-disk", LV_BYTES / 1024 - 1024));
            host.resources.put("r1", new SimResource("r1", 1, 7790, "vg0", "r1-disk", LV_BYTES / 1024 - 1024));
            // a thin pool of 100 GiB (lvcreate's 100 MiB of metadata for it) with an over-provisioned scratch volume
            host.addThinPool(
                    "vg0",
                    "pool0",
                    100L << 30,
                    100L << 20,
                    "scratch",
                    150L << 30,
                    host == nodeA ? 38_400L << 20 : 25_600L << 20);
        }
        links.put("r0", new ReplicationLink("r0"));
        links.put("r1", new ReplicationLink("r1"));
        nodeA.resources.get("r0").role = DrbdRole.PRIMARY;
        nodeB.resources.get("r1").role = DrbdRole.PRIMARY;
        for (SimulatedHost host : hosts()) {
            // every VM is defined on both hosts (libvirt domain, Xen config) so it can move; it runs on one
            host.defineVm("web", "5f1c3a52-8d44-4c1e-9a7b-0a11c0de0001", "r0", 6_291_456, 6_291_456, 2);
            host.defineVm("mail", "5f1c3a52-8d44-4c1e-9a7b-0a11c0de0002", "r0", 4_194_304, 4_194_304, 2);
            host.defineVm("db", "5f1c3a52-8d44-4c1e-9a7b-0a11c0de0003", "r1", 6_291_456, 6_291_456, 4);
            host.defineVm("backup", "5f1c3a52-8d44-4c1e-9a7b-0a11c0de0004", "r1", 4_194_304, 4_194_304, 1);
        }
        for (String vm : List.of("web", "mail")) {
            boot(nodeA, nodeA.vms.get(vm));
        }
        for (String vm : List.of("db", "backup")) {
            boot(nodeB, nodeB.vms.get(vm));
        }
        for (SimulatedHost host : hosts()) {
            for (SimVm vm : host.vms.values()) {
                if (vm.running()) {
                    vm.cpuSeconds = 5_000 + vm.id * 1_234.5;
                }
            }
            host.shown = view(host);
        }
    }

    public SimulatedHost nodeA() {
        return nodeA;
    }

    public SimulatedHost nodeB() {
        return nodeB;
    }

    public List<SimulatedHost> hosts() {
        return List.of(nodeA, nodeB);
    }

    /** The host by node name; empty for any other name. */
    public Optional<SimulatedHost> host(String node) {
        return hosts().stream().filter(h -> h.name().equals(node)).findFirst();
    }

    public Instant now() {
        synchronized (lock) {
            return now;
        }
    }

    public boolean linkConnected() {
        synchronized (lock) {
            return cableConnected;
        }
    }

    long uptimeSeconds() {
        return 86_400 * 12 + Duration.between(startedAt, now).toSeconds();
    }

    SimulatedHost peerOf(SimulatedHost host) {
        return host == nodeA ? nodeB : nodeA;
    }

    // ---- time -------------------------------------------------------------------------------

    /**
     * A deterministic rig's mode, for a pair driven by one thread: a slow or hung tool lets
     * simulated time pass (the pair ticks by the wait) instead of wall time, and an events2
     * stream hands its lines to its consumer at once on the thread that caused them (under the
     * pair's lock: the consumer must only keep them), so that a story plays in milliseconds and
     * the same way every time. The live lab leaves it off: its clock follows the wall.
     */
    public void runDeterministically() {
        deterministic = true;
    }

    boolean toolsWaitInSimulatedTime() {
        return deterministic;
    }

    /**
     * Runs {@code work} (an agent's probes, in the rig) with waits that take no time at all: on a
     * real host each probe runs on its own thread beside the heartbeat, so a hung tool delays that
     * probe only, never the clock of everything else. Only for a deterministic pair's own thread.
     */
    public <T, E extends Exception> T untimed(UntimedWork<T, E> work) throws E, InterruptedException {
        untimed = true;
        skipped = Duration.ZERO;
        try {
            return work.run();
        } finally {
            untimed = false;
        }
    }

    /** How long the tools of the last {@link #untimed} work would have kept it waiting. */
    public Duration skippedByLastUntimed() {
        return skipped;
    }

    void skip(Duration wait) {
        skipped = skipped.plus(wait);
    }

    /** What {@link #untimed} runs. */
    public interface UntimedWork<T, E extends Exception> {
        T run() throws E, InterruptedException;
    }

    boolean waitsTakeNoTime() {
        return untimed;
    }

    /** The simulated clock as a {@link Clock}: it moves only with {@link #tick}. */
    public Clock clock() {
        return new SimulatedClock(this);
    }

    /**
     * Advances simulated time: running VMs write (replicated, or counted out-of-sync while the
     * copies are apart), resyncs progress and finish, counters grow.
     */
    public void tick(Duration elapsed) {
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("time runs forward only: " + elapsed);
        }
        synchronized (lock) {
            now = now.plus(elapsed);
            double seconds = elapsed.toNanos() / 1e9;
            for (SimulatedHost host : hosts()) {
                if (!host.up) {
                    continue;
                }
                for (SimVm vm : host.vms.values()) {
                    if (vm.running()) {
                        vm.cpuSeconds += seconds * 0.3 * vm.vcpus;
                    }
                }
                for (SimResource r : host.resources.values()) {
                    long vmsWriting = host.vms.values().stream()
                            .filter(vm -> vm.running() && vm.resource.equals(r.name))
                            .count();
                    if (r.role == DrbdRole.PRIMARY && vmsWriting > 0) {
                        write(host, r, Math.round(vmsWriting * WRITE_RATE_KIB_PER_VM * seconds));
                    }
                }
            }
            for (ReplicationLink link : links.values()) {
                if (link.syncing()) {
                    progressResync(link, Math.round(RESYNC_RATE_KIB_PER_SECOND * seconds));
                }
            }
            finishGuestShutdowns();
            publish();
        }
    }

    Instant nowUnlocked() {
        return now;
    }

    /** Guests whose shutdown is due power off (on a frozen host they wait, frozen too). */
    void finishGuestShutdowns() {
        boolean any = false;
        for (SimulatedHost host : hosts()) {
            for (SimVm vm : host.vms.values()) {
                if (host.up
                        && vm.running()
                        && vm.shutsOffAt.isPresent()
                        && !vm.shutsOffAt.get().isAfter(now)) {
                    host.powerOffGuest(vm);
                    any = true;
                }
            }
        }
        if (any) {
            publish();
        }
    }

    // ---- where VMs run: one host at a time ---------------------------------------------------

    /** The guest boots on {@code host}: the only way a VM starts running, guarded by the one-host invariant. */
    void boot(SimulatedHost host, SimVm vm) {
        requireNotRunningElsewhere(host, vm.name);
        vm.state = VmState.RUNNING;
        vm.id = host.assignDomainId();
        vm.shutsOffAt = Optional.empty();
        boots.merge(vm.name, 1, Integer::sum);
    }

    /** A live migration's end: the guest runs on {@code to} as it ran on {@code from}, without a boot. */
    void move(SimVm source, SimulatedHost from, SimVm target, SimulatedHost to) {
        requireNotRunningElsewhere(to, source.name, from);
        target.memoryKiB = source.memoryKiB;
        target.cpuSeconds = source.cpuSeconds;
        target.guestAgentAnswering = source.guestAgentAnswering;
        target.shutsOffAt = source.shutsOffAt;
        target.state = VmState.RUNNING;
        target.id = to.assignDomainId();
        from.powerOffGuest(source);
        log.info(
                "{} migrated live from {} to {} (boot {} goes on)",
                source.name,
                from.name(),
                to.name(),
                boots.getOrDefault(source.name, 0));
    }

    /**
     * Throws IllegalStateException (a {@link VmRefusal} RUNS_ELSEWHERE) when the VM runs on a host
     * other than {@code host} and {@code leaving}: the simulation never runs a VM on two hosts. A
     * frozen host's guests count (they resume when it does); a powered-off host's do not.
     */
    private void requireNotRunningElsewhere(SimulatedHost host, String vm, SimulatedHost... leaving) {
        for (SimulatedHost other : hosts()) {
            if (other == host || List.of(leaving).contains(other)) {
                continue;
            }
            SimVm there = other.vms.get(vm);
            if (there != null && there.running()) {
                String what = vm + " runs on " + other.name() + (other.up ? "" : " (frozen, not powered off)")
                        + "; starting it on " + host.name() + " too would put two guests on one disk";
                doubleRunRefusals.add(what);
                log.warn("lab invariant held: {}", what);
                throw new VmRefusal(VmRefusal.Reason.RUNS_ELSEWHERE, vm, what);
            }
        }
    }

    // ---- ground truth, for invariant checks and scenarios ----------------------------------

    /** The hosts where {@code resource} is Primary now (a frozen host's role counts; a powered-off host has none). */
    public List<String> primariesOf(String resource) {
        synchronized (lock) {
            return hosts().stream()
                    .filter(h -> h.resource(resource).role == DrbdRole.PRIMARY)
                    .map(SimulatedHost::name)
                    .toList();
        }
    }

    /** The hosts where {@code vm} runs now: at most one, by construction (a frozen host's guests count). */
    public List<String> hostsRunning(String vm) {
        synchronized (lock) {
            return hosts().stream()
                    .filter(h -> h.definesVm(vm) && h.vms.get(vm).running())
                    .map(SimulatedHost::name)
                    .toList();
        }
    }

    /** How often {@code vm}'s guest booted since the seed (1 for a seed VM never restarted); migrations are no boots. */
    public int boots(String vm) {
        synchronized (lock) {
            return boots.getOrDefault(vm, 0);
        }
    }

    /** Whether {@code node} has power (a frozen host has; a fenced one has not). */
    public boolean poweredOn(String node) {
        synchronized (lock) {
            return node(node).poweredOn;
        }
    }

    /** Whether {@code node}'s side of {@code resource}'s connection allows two primaries. */
    public boolean allowsTwoPrimaries(String node, String resource) {
        synchronized (lock) {
            return node(node).resource(resource).allowTwoPrimaries;
        }
    }

    /** Starts the lab refused because the VM ran on the other host, in order: each one a failover that skipped fencing. */
    public List<String> doubleRunRefusals() {
        synchronized (lock) {
            return List.copyOf(doubleRunRefusals);
        }
    }

    private void write(SimulatedHost writer, SimResource r, long kib) {
        SimulatedHost peer = peerOf(writer);
        SimResource theirs = peer.resources.get(r.name);
        ReplicationLink link = links.get(r.name);
        if (r.hasDisk()) {
            r.writtenKiB += kib;
            r.readKiB += kib / 3;
        }
        boolean replicated = r.connection == ConnectionState.CONNECTED && peer.up && theirs.hasDisk();
        if (r.connection == ConnectionState.CONNECTED && peer.up) {
            r.sentKiB += kib;
            theirs.receivedKiB += kib;
        }
        if (replicated) {
            theirs.writtenKiB += kib;
        } else {
            link.outOfSyncKiB = Math.min(r.sizeKiB, link.outOfSyncKiB + kib);
            if (r.connection != ConnectionState.CONNECTED) {
                link.wroteWhileApart.add(writer.name());
            }
        }
    }

    private void progressResync(ReplicationLink link, long kib) {
        SimulatedHost source = host(link.syncSource.orElseThrow()).orElseThrow();
        SimulatedHost target = peerOf(source);
        long copied = Math.min(kib, link.outOfSyncKiB);
        link.outOfSyncKiB -= copied;
        source.resources.get(link.resource).sentKiB += copied;
        source.resources.get(link.resource).readKiB += copied;
        target.resources.get(link.resource).receivedKiB += copied;
        target.resources.get(link.resource).writtenKiB += copied;
        if (link.outOfSyncKiB == 0) {
            link.syncSource = Optional.empty();
            link.resyncTotalKiB = 0;
            link.wroteWhileApart.clear();
            target.resources.get(link.resource).disk = DiskState.UP_TO_DATE;
            publish();
            helper(target, link.resource, "after-resync-target");
            log.info("resync of {} onto {} finished", link.resource, target.name());
        }
    }

    // ---- faults -----------------------------------------------------------------------------

    /** Applies a fault; a fault that makes no sense in the current state is refused, not thrown. */
    public FaultOutcome apply(Fault fault) {
        synchronized (lock) {
            try {
                String done = fault.applyTo(this);
                log.info("fault applied: {} ({})", fault.command(), done);
                return new FaultOutcome(true, done);
            } catch (IllegalArgumentException | IllegalStateException e) {
                return new FaultOutcome(false, e.getMessage());
            }
        }
    }

    /**
     * Throws IllegalArgumentException when {@code fault} names a host, disk or VM this pair does not
     * have (whatever their state): a fault that could never apply, known before it is due.
     */
    public void checkNames(Fault fault) {
        synchronized (lock) {
            fault.checkNamesIn(this);
        }
    }

    /** Parses and applies one line a user typed ({@link Fault#HELP}); never throws. */
    public FaultOutcome inject(String line) {
        try {
            return apply(Fault.parse(line));
        } catch (IllegalArgumentException e) {
            return new FaultOutcome(false, e.getMessage());
        }
    }

    SimulatedHost node(String name) {
        return host(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no host '" + Name.printable(name) + "' in the lab (node-a, node-b)"));
    }

    String failDisk(SimulatedHost host, String device) {
        SimDisk disk = host.physicalDisk(device);
        if (disk.failed) {
            throw new IllegalStateException(disk.device + " on " + host.name() + " has already failed");
        }
        disk.fail();
        List<String> lost = new ArrayList<>();
        for (SimResource r : host.resources.values()) {
            if (disk.volumeGroup.isPresent() && disk.volumeGroup.get().equals(r.volumeGroup) && r.hasDisk()) {
                lost.add(r.name);
                links.get(r.name).syncSource = Optional.empty();
                // on-io-error detach: the disk goes Failed, then DRBD detaches it and carries on diskless
                r.disk = DiskState.FAILED;
                publish();
                r.disk = DiskState.DISKLESS;
                publish();
            }
        }
        return disk.device + " on " + host.name() + " failed"
                + (lost.isEmpty() ? "" : "; DRBD detached " + String.join(", ", lost));
    }

    String dyingDisk(SimulatedHost host, String device) {
        SimDisk disk = host.physicalDisk(device);
        if (disk.smartFailing()) {
            throw new IllegalStateException(disk.device + " on " + host.name() + " is already failing");
        }
        disk.dying();
        return disk.device + " on " + host.name() + " reports SMART FAILED; it still reads and writes, DRBD keeps it";
    }

    String replaceDisk(SimulatedHost host, String device) {
        SimDisk disk = host.physicalDisk(device);
        if (!disk.smartFailing()) {
            throw new IllegalStateException(disk.device + " on " + host.name() + " has not failed; nothing to replace");
        }
        disk.replace(host.nextDiskGeneration());
        List<String> attached = new ArrayList<>();
        if (host.up) {
            for (SimResource r : host.resources.values()) {
                if (disk.volumeGroup.isPresent() && disk.volumeGroup.get().equals(r.volumeGroup)) {
                    attached.add(r.name);
                    attachFresh(host, r);
                }
            }
        }
        return disk.device + " on " + host.name() + " replaced (serial " + disk.serial + ")"
                + (attached.isEmpty()
                        ? ""
                        : "; " + String.join(", ", attached) + " attached, Inconsistent until resynced");
    }

    /** A new, empty backing disk: metadata created, attached, everything to be copied from the peer. */
    private void attachFresh(SimulatedHost host, SimResource r) {
        ReplicationLink link = links.get(r.name);
        link.syncSource = Optional.empty();
        r.disk = DiskState.ATTACHING;
        publish();
        r.disk = DiskState.INCONSISTENT;
        link.outOfSyncKiB = r.sizeKiB;
        link.wroteWhileApart.clear();
        publish();
        startResyncIfNeeded(r.name);
    }

    String takeDown(SimulatedHost host) {
        if (!host.up) {
            throw new IllegalStateException(host.name() + " is already down");
        }
        host.up = false;
        for (ReplicationLink link : links.values()) {
            link.syncSource = Optional.empty();
        }
        loseConnection(peerOf(host), ConnectionState.TIMEOUT);
        return host.name() + " is down: its commands hang, its events2 stream is silent";
    }

    /**
     * The BMC cuts the host's power: its guests and DRBD stop (no Primary left there), its peer
     * loses the connection as DRBD shows a vanished peer. A frozen host powers off too: the BMC is
     * out of band. A no-op when the power is off already.
     */
    void powerOff(SimulatedHost host) {
        synchronized (lock) {
            if (!host.poweredOn) {
                return;
            }
            boolean wasUp = host.up;
            host.poweredOn = false;
            host.up = false;
            for (SimVm vm : host.vms.values()) {
                host.powerOffGuest(vm);
            }
            for (SimResource r : host.resources.values()) {
                r.role = DrbdRole.SECONDARY;
                // net-options set live are kernel state, not the config file: they die with the power
                r.allowTwoPrimaries = false;
            }
            for (ReplicationLink link : links.values()) {
                link.syncSource = Optional.empty();
            }
            if (wasUp) {
                loseConnection(peerOf(host), ConnectionState.TIMEOUT);
            }
            publish();
            log.warn("{} powered off by its BMC", host.name());
        }
    }

    /** The BMC powers the host on: it boots as after {@code host-up}; a no-op when it has power. */
    void powerOn(SimulatedHost host) {
        synchronized (lock) {
            if (!host.poweredOn) {
                bringUp(host);
            }
        }
    }

    String bringUp(SimulatedHost host) {
        if (host.up) {
            throw new IllegalStateException(host.name() + " is already up");
        }
        host.poweredOn = true;
        // the host rebooted: the old events2 processes died with it, DRBD comes up Secondary, VMs are off
        host.streams.forEach(s -> s.end(Events2Stream.KILLED));
        host.streams.clear();
        host.up = true;
        for (SimResource r : host.resources.values()) {
            r.role = DrbdRole.SECONDARY;
            // drbdadm up reads the config, where allow-two-primaries is no: a live net-options did not survive the
            // reboot
            r.allowTwoPrimaries = false;
            r.connection = ConnectionState.CONNECTING;
        }
        for (SimResource r : host.resources.values()) {
            if (!r.hasDisk() && !host.disks.get("/dev/sda").failed) {
                // the disk was replaced while the host was down: new metadata, nothing on it; DRBD attaches it
                // Inconsistent and copies everything from the peer (never UpToDate before that copy)
                attachFresh(host, r);
            }
        }
        for (SimVm vm : host.vms.values()) {
            host.powerOffGuest(vm);
        }
        host.shown = view(host);
        connectWherePossible();
        return host.name() + " is up again (rebooted: DRBD Secondary, VMs shut off)";
    }

    String cutLink() {
        if (!cableConnected) {
            throw new IllegalStateException("the replication link is already cut");
        }
        cableConnected = false;
        for (ReplicationLink link : links.values()) {
            link.syncSource = Optional.empty();
        }
        for (SimulatedHost host : hosts()) {
            if (host.up) {
                loseConnection(host, ConnectionState.NETWORK_FAILURE);
            }
        }
        return "replication link cut: both hosts lost the connection; writes now count as out-of-sync";
    }

    String restoreLink() {
        if (cableConnected) {
            throw new IllegalStateException("the replication link is not cut");
        }
        cableConnected = true;
        connectWherePossible();
        return "replication link restored";
    }

    String fenceLies(SimulatedHost host, boolean lies) {
        host.bmcLies = lies;
        return lies
                ? "the BMC of " + host.name() + " now reports power off as done, and does nothing"
                : "the BMC of " + host.name() + " tells the truth again";
    }

    String fenceBroken(SimulatedHost host, boolean broken) {
        host.bmcBroken = broken;
        return broken
                ? "the BMC of " + host.name() + " fails every power command"
                : "the BMC of " + host.name() + " works again";
    }

    String migrationFails(String vm, boolean fails) {
        nodeA.checkVm(vm);
        if (fails) {
            failingMigrations.add(vm);
        } else {
            failingMigrations.remove(vm);
        }
        return fails
                ? "the next live migration of " + vm + " breaks halfway"
                : "live migrations of " + vm + " work again";
    }

    String slowTools(SimulatedHost host, Duration delay) {
        host.toolDelay = delay;
        return delay.isZero()
                ? host.name() + "'s commands answer at once again"
                : host.name() + "'s commands take " + delay.toSeconds() + " s to answer";
    }

    /**
     * Something other than the VMs (a backup job, a page cache pinned by a service) holds
     * {@code kib} on the host: MemAvailable falls by that much, so fewer VMs fit there. Refused
     * beyond what is available, as the lab refuses a balloon's growth: a real kernel would swap or
     * OOM-kill a guest, which the lab does not play.
     */
    String takeMemory(SimulatedHost host, long kib) {
        if (!host.up) {
            throw new IllegalStateException(host.name() + " is down: nothing starts there to take memory");
        }
        if (host.memoryTakenKiB > 0) {
            throw new IllegalStateException(host.name() + " already has " + host.memoryTakenKiB
                    + " KiB taken; memory-freed " + host.name() + " first");
        }
        if (kib > host.memoryAvailableKiB()) {
            throw new IllegalStateException(host.name() + " has " + host.memoryAvailableKiB()
                    + " KiB available, less than the " + kib + " KiB asked: the lab does not overcommit a host");
        }
        host.memoryTakenKiB = kib;
        return kib + " KiB of " + host.name() + " held by something other than its VMs (MemAvailable "
                + host.memoryAvailableKiB() + " KiB)";
    }

    String freeMemory(SimulatedHost host) {
        if (host.memoryTakenKiB == 0) {
            throw new IllegalStateException("nothing holds memory on " + host.name() + "; nothing to free");
        }
        host.memoryTakenKiB = 0;
        return host.name() + "'s memory is free again (MemAvailable " + host.memoryAvailableKiB() + " KiB)";
    }

    String guestAgent(SimulatedHost host, String vm, boolean answering) {
        host.setGuestAgentAnswering(vm, answering);
        return "guest agent of " + vm + " on " + host.name() + (answering ? " answers again" : " stopped answering");
    }

    /** DRBD's way down when the peer vanishes: the failure, then Unconnected, then Connecting again. */
    private void loseConnection(SimulatedHost host, ConnectionState failure) {
        if (!host.up) {
            return;
        }
        for (ConnectionState step : List.of(failure, ConnectionState.UNCONNECTED, ConnectionState.CONNECTING)) {
            for (SimResource r : host.resources.values()) {
                if (r.connection != ConnectionState.STANDALONE) {
                    r.connection = step;
                }
            }
            publish();
        }
    }

    private void connectWherePossible() {
        if (!cableConnected || !nodeA.up || !nodeB.up) {
            return;
        }
        for (String resource : links.keySet()) {
            SimResource a = nodeA.resources.get(resource);
            SimResource b = nodeB.resources.get(resource);
            if (a.connection == ConnectionState.STANDALONE || b.connection == ConnectionState.STANDALONE) {
                continue; // after a split brain DRBD stays apart until a human decides
            }
            if (a.allowTwoPrimaries != b.allowTwoPrimaries) {
                // DRBD's handshake compares the net options and drops a mismatch for good (see
                // SimulatedHost.allowTwoPrimaries)
                a.connection = ConnectionState.STANDALONE;
                b.connection = ConnectionState.STANDALONE;
                publish();
                log.warn(
                        "{}: incompatible allow-two-primaries settings (node-a {}, node-b {}); DRBD disconnects, both StandAlone",
                        resource,
                        a.allowTwoPrimaries ? "yes" : "no",
                        b.allowTwoPrimaries ? "yes" : "no");
                continue;
            }
            a.connection = ConnectionState.CONNECTED;
            b.connection = ConnectionState.CONNECTED;
            publish();
            startResyncIfNeeded(resource);
        }
    }

    private void startResyncIfNeeded(String resource) {
        SimResource a = nodeA.resources.get(resource);
        SimResource b = nodeB.resources.get(resource);
        ReplicationLink link = links.get(resource);
        if (!nodeA.up
                || !nodeB.up
                || a.connection != ConnectionState.CONNECTED
                || b.connection != ConnectionState.CONNECTED
                || link.syncing()
                || !a.hasDisk()
                || !b.hasDisk()) {
            return;
        }
        SimulatedHost source;
        if (a.disk != DiskState.UP_TO_DATE && b.disk != DiskState.UP_TO_DATE) {
            // a resync copies good data: with no UpToDate copy left DRBD starts none, and both sides stay as they are
            log.warn(
                    "{}: no UpToDate copy left (node-a {}, node-b {}); DRBD resyncs only from an UpToDate copy, so none starts",
                    resource,
                    a.disk.wire(),
                    b.disk.wire());
            return;
        } else if (a.disk == DiskState.UP_TO_DATE && b.disk != DiskState.UP_TO_DATE) {
            source = nodeA;
        } else if (b.disk == DiskState.UP_TO_DATE && a.disk != DiskState.UP_TO_DATE) {
            source = nodeB;
        } else if (link.outOfSyncKiB == 0) {
            return;
        } else if (link.wroteWhileApart.size() == 2) {
            splitBrain(resource);
            return;
        } else if (link.wroteWhileApart.size() == 1) {
            source = node(link.wroteWhileApart.iterator().next());
        } else {
            source = a.role == DrbdRole.PRIMARY || b.role != DrbdRole.PRIMARY ? nodeA : nodeB;
        }
        SimulatedHost target = peerOf(source);
        helper(target, resource, "before-resync-target");
        link.syncSource = Optional.of(source.name());
        link.resyncStartedAt = now;
        link.resyncTotalKiB = link.outOfSyncKiB;
        target.resources.get(resource).disk = DiskState.INCONSISTENT;
        publish();
        log.info(
                "resync of {} from {} to {} started: {} KiB",
                resource,
                source.name(),
                target.name(),
                link.outOfSyncKiB);
    }

    private void splitBrain(String resource) {
        for (SimulatedHost host : hosts()) {
            helper(host, resource, "split-brain");
            host.resources.get(resource).connection = ConnectionState.STANDALONE;
        }
        links.get(resource).splitBrain = true;
        publish();
        log.warn("split brain on {}: both hosts wrote while apart; DRBD stays StandAlone", resource);
    }

    // ---- what the hosts print ---------------------------------------------------------------

    private Map<String, Events2Object> view(SimulatedHost host) {
        return Events2View.of(host, peerOf(host), links, RESYNC_RATE_KIB_PER_SECOND);
    }

    /** Pushes the change lines the last state change caused to every live host's events2 streams. */
    void publish() {
        for (SimulatedHost host : hosts()) {
            if (!host.up) {
                continue;
            }
            Map<String, Events2Object> before = host.shown;
            Map<String, Events2Object> after = view(host);
            host.shown = after;
            host.streams.removeIf(Events2Stream::ended);
            for (Events2Stream stream : host.streams) {
                for (String line : diff(before, after, stream.statistics)) {
                    stream.push(stream.timestamps ? stamp() + " " + line : line);
                }
            }
        }
    }

    private static List<String> diff(
            Map<String, Events2Object> before, Map<String, Events2Object> after, boolean statistics) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Events2Object> e : after.entrySet()) {
            Events2Object old = before.get(e.getKey());
            if (old == null) {
                lines.add(e.getValue().full("create", statistics));
            } else {
                e.getValue().changeFrom(old, statistics).ifPresent(lines::add);
            }
        }
        before.forEach((id, old) -> {
            if (!after.containsKey(id)) {
                lines.add(old.destroy());
            }
        });
        return lines;
    }

    /** A DRBD helper run as events2 shows it: the call, then its answer (exit status 0). */
    private void helper(SimulatedHost host, String resource, String helper) {
        if (!host.up) {
            return;
        }
        SimulatedHost peer = peerOf(host);
        String what = "helper name:" + resource + " peer-node-id:" + peer.nodeId + " conn-name:" + peer.name()
                + " volume:0 helper:" + helper;
        for (Events2Stream stream : host.streams) {
            stream.push((stream.timestamps ? stamp() + " " : "") + "call " + what);
            stream.push((stream.timestamps ? stamp() + " " : "") + "response " + what + " status:0");
        }
    }

    Events2Stream openStream(SimulatedHost host, Consumer<String> consumer, boolean timestamps, boolean statistics) {
        Events2Stream stream = new Events2Stream(host.name(), consumer, timestamps, statistics, deterministic);
        if (host.up) {
            for (String line : dumpLines(host, statistics)) {
                stream.push(timestamps ? stamp() + " " + line : line);
            }
            host.streams.add(stream);
        }
        // on a host that is down the process exists but prints nothing, like a hung drbdsetup
        stream.begin();
        return stream;
    }

    String dump(SimulatedHost host, boolean timestamps, boolean statistics) {
        StringBuilder out = new StringBuilder();
        for (String line : dumpLines(host, statistics)) {
            out.append(timestamps ? stamp() + " " : "").append(line).append('\n');
        }
        return out.toString();
    }

    private List<String> dumpLines(SimulatedHost host, boolean statistics) {
        List<String> lines = new ArrayList<>();
        view(host).values().forEach(o -> lines.add(o.full("exists", statistics)));
        lines.add("exists -");
        return lines;
    }

    /** drbdsetup's timestamp: the simulated clock, microseconds, never repeating. */
    private String stamp() {
        Instant t = now.isAfter(lastStamp) ? now : lastStamp.plusNanos(1_000);
        lastStamp = t;
        return STAMP.format(t);
    }

    List<LvmText.Vg> volumeGroups(SimulatedHost host) {
        List<LvmText.Vg> vgs = new ArrayList<>();
        for (SimDisk disk : host.disks.values()) {
            disk.volumeGroup.ifPresent(vg -> {
                long extent = 4L << 20;
                long size = (disk.capacityBytes - (1L << 20)) / extent * extent;
                List<SimResource> lvs = host.resources.values().stream()
                        .filter(r -> r.volumeGroup.equals(vg))
                        .toList();
                List<SimThinPool> pools =
                        host.thinPools.stream().filter(p -> p.vg.equals(vg)).toList();
                // lv_count counts what lvs lists: a pool and its thin volumes, not the pool's hidden data, metadata and
                // spare
                long taken = lvs.size() * LV_BYTES
                        + pools.stream().mapToLong(SimThinPool::takenBytes).sum();
                int count = lvs.size()
                        + pools.stream().mapToInt(p -> 1 + p.volumes.size()).sum();
                vgs.add(new LvmText.Vg(
                        vg, size, size - taken, 1, count, disk.failed ? Optional.of(disk.device) : Optional.empty()));
            });
        }
        return vgs;
    }

    List<LvmText.Lv> logicalVolumes(SimulatedHost host) {
        List<LvmText.Lv> lvs = new ArrayList<>();
        for (SimDisk disk : host.disks.values()) {
            disk.volumeGroup.ifPresent(vg -> host.resources.values().stream()
                    .filter(r -> r.volumeGroup.equals(vg))
                    .forEach(r -> {
                        // -wi-a: linear, writable, inherited allocation, active; o while DRBD holds it; p when its PV
                        // is missing
                        String attr = "-wi-a" + (r.hasDisk() ? "o" : "-") + "--" + (disk.failed ? "p" : "-") + "-";
                        lvs.add(LvmText.Lv.linear(vg, r.logicalVolume, LV_BYTES, attr));
                    }));
            String partial = disk.failed ? "p" : "-";
            disk.volumeGroup.ifPresent(vg -> host.thinPools.stream()
                    .filter(p -> p.vg.equals(vg))
                    .forEach(p -> {
                        // twi-aotz: thin pool, writable, inherited, active, open (its thin volumes are), thin target,
                        // zeroing new blocks
                        lvs.add(new LvmText.Lv(
                                vg,
                                p.name,
                                p.dataBytes,
                                "twi-aotz" + partial + "-",
                                "",
                                p.dataPercent(),
                                p.metadataPercent()));
                        p.volumes.forEach((volume, sizes) -> lvs.add(new LvmText.Lv(
                                vg,
                                volume,
                                sizes[0],
                                "Vwi-a-tz" + partial + "-",
                                p.name,
                                p.volumeDataPercent(volume),
                                "")));
                    }));
        }
        return lvs;
    }

    /** Round-trip times of a ping from {@code host}, or empty when no answer comes back. */
    Optional<double[]> pingRoundTrips(SimulatedHost host, String address, int count) {
        SimulatedHost peer = peerOf(host);
        double base;
        if (address.equals(host.replicationAddress()) || address.equals("127.0.0.1")) {
            base = 0.020;
        } else if (address.equals(peer.replicationAddress()) && cableConnected && peer.up) {
            base = 0.045;
        } else {
            return Optional.empty();
        }
        double[] rtts = new double[count];
        long seed = now.getEpochSecond();
        for (int i = 0; i < count; i++) {
            rtts[i] = base + ((seed * 31 + i * 17) % 23) / 1000.0;
        }
        return Optional.of(rtts);
    }
}
