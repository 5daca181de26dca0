package io.vigil.sim;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.Name;
import io.vigil.events.VmState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One simulated host of a {@link SimulatedPair}: its DRBD resources, disks, volume groups, VMs and
 * memory, answering the agent's commands ({@link CommandRunner}) and kernel files ({@link HostFiles})
 * with the real tools' text. State changes are methods named for what an operator (or a later
 * failover action) does; every one of them runs under the pair's lock and pushes the events2
 * lines it causes on both hosts. A host that is down answers nothing: its commands hang until the
 * caller's timeout and its events2 streams fall silent.
 */
public final class SimulatedHost implements CommandRunner, HostFiles {
    final SimulatedPair pair;
    private final String name;
    final int nodeId;
    private final String replicationAddress;
    private final long memoryTotalKiB;
    final Map<String, SimResource> resources = new LinkedHashMap<>();
    final Map<String, SimDisk> disks = new LinkedHashMap<>();
    final Map<String, SimVm> vms = new LinkedHashMap<>();
    final List<SimThinPool> thinPools = new ArrayList<>();
    final List<Events2Stream> streams = new ArrayList<>();
    /** what the events2 streams last showed, to print only what changed */
    Map<String, Events2Object> shown = new LinkedHashMap<>();

    boolean up = true;
    /** false once the BMC cut the power; a frozen host (up false) still has power */
    boolean poweredOn = true;
    /** the fence-lies fault: power off answers success and does nothing */
    boolean bmcLies;
    /** the fence-broken fault: every power command fails */
    boolean bmcBroken;
    /** the slow-tool fault: how long each command takes before it answers */
    Duration toolDelay = Duration.ZERO;
    /** the memory-taken fault: what something other than the VMs holds (a service of the host's own, started again at boot) */
    long memoryTakenKiB;

    private int nextDomainId = 1;
    private int diskGeneration = 1;
    private final ToolAnswers tools;

    SimulatedHost(SimulatedPair pair, String name, int nodeId, String replicationAddress, long memoryTotalKiB) {
        this.pair = pair;
        this.name = Name.check("node", name);
        this.nodeId = nodeId;
        this.replicationAddress = replicationAddress;
        this.memoryTotalKiB = memoryTotalKiB;
        this.tools = new ToolAnswers(this);
    }

    public String name() {
        return name;
    }

    /** The address DRBD replicates over, as in events2's path lines (ipv4:ADDRESS:PORT). */
    public String replicationAddress() {
        return replicationAddress;
    }

    public boolean isUp() {
        synchronized (pair.lock) {
            return up;
        }
    }

    // ---- DRBD -------------------------------------------------------------------------------

    public DrbdRole role(String resource) {
        synchronized (pair.lock) {
            return resource(resource).role;
        }
    }

    public DiskState disk(String resource) {
        synchronized (pair.lock) {
            return resource(resource).disk;
        }
    }

    public ConnectionState connection(String resource) {
        synchronized (pair.lock) {
            return resource(resource).connection;
        }
    }

    /** Out-of-sync KiB between the two copies of the resource, as drbdsetup counts it. */
    public long outOfSyncKiB(String resource) {
        synchronized (pair.lock) {
            resource(resource);
            return pair.links.get(resource).outOfSyncKiB;
        }
    }

    /**
     * {@code drbdadm primary RESOURCE}; a no-op where it is Primary already. Refuses as DRBD does:
     * without UpToDate data here or at a connected peer (-2, drbdadm's exit 17), or while the
     * connected peer is Primary unless both sides allow two primaries (-1, exit 11). A host whose
     * disk failed stays able to promote while its peer is connected and UpToDate: it then reads
     * and writes through the peer (diskless Primary).
     */
    public void promote(String resource) {
        synchronized (pair.lock) {
            requireUp();
            SimResource r = resource(resource);
            if (r.role == DrbdRole.PRIMARY) {
                return;
            }
            SimResource theirs = pair.peerOf(this).resources.get(resource);
            boolean connected = r.connection == ConnectionState.CONNECTED;
            if (r.disk != DiskState.UP_TO_DATE
                    && !(connected && pair.peerOf(this).hasUpToDate(resource))) {
                throw DrbdadmCommand.stateChangeFailed(resource, "primary", -2, "Need access to UpToDate data");
            }
            if (connected && theirs.role == DrbdRole.PRIMARY && !(r.allowTwoPrimaries && theirs.allowTwoPrimaries)) {
                throw DrbdadmCommand.stateChangeFailed(
                        resource, "primary", -1, "Multiple primaries not allowed by config");
            }
            r.role = DrbdRole.PRIMARY;
            pair.publish();
        }
    }

    /**
     * {@code drbdadm secondary RESOURCE}; a no-op where it is Secondary already; refused while a
     * running VM holds the device open (DRBD's -12, drbdadm's exit 11).
     */
    public void demote(String resource) {
        synchronized (pair.lock) {
            requireUp();
            SimResource r = resource(resource);
            if (resourceOpen(resource)) {
                throw DrbdadmCommand.stateChangeFailed(resource, "secondary", -12, "Device is held open by someone");
            }
            if (r.role == DrbdRole.SECONDARY) {
                return;
            }
            r.role = DrbdRole.SECONDARY;
            pair.publish();
        }
    }

    /**
     * {@code drbdadm net-options --allow-two-primaries=yes|no RESOURCE}: the connection's
     * permission for a second Primary. On a connected resource the peer adopts it at once, so it
     * holds for both sides; on a disconnected one it is this side's alone, and a reconnect with
     * the sides disagreeing fails StandAlone ({@link SimulatedPair}). Clearing it while both are
     * Primary is refused, as DRBD does (164, drbdadm's exit 10).
     * <p>
     * Real DRBD, drbd/drbd_receiver.c receive_protocol (LINBIT/drbd): a P_PROTOCOL_UPDATE, sent
     * when net options change on a live connection, skips the compatibility checks and sets
     * {@code new_net_conf->two_primaries = p_two_primaries}; the P_PROTOCOL of a new connection
     * with {@code p_two_primaries != nc->two_primaries} logs "incompatible allow-two-primaries
     * settings" and requests C_DISCONNECTING (CS_HARD), which ends StandAlone.
     */
    public void allowTwoPrimaries(String resource, boolean allow) {
        synchronized (pair.lock) {
            requireUp();
            SimResource r = resource(resource);
            SimResource theirs = pair.peerOf(this).resources.get(resource);
            if (!allow
                    && r.role == DrbdRole.PRIMARY
                    && r.connection == ConnectionState.CONNECTED
                    && theirs.role == DrbdRole.PRIMARY) {
                throw DrbdadmCommand.netOptionsFailed(
                        resource,
                        pair.peerOf(this).nodeId,
                        allow,
                        164,
                        "Can not clear allow_two_primaries as long as\nthere a primaries on both sides");
            }
            r.allowTwoPrimaries = allow;
            if (r.connection == ConnectionState.CONNECTED && pair.peerOf(this).up) {
                theirs.allowTwoPrimaries = allow;
            }
        }
    }

    public boolean allowsTwoPrimaries(String resource) {
        synchronized (pair.lock) {
            return resource(resource).allowTwoPrimaries;
        }
    }

    boolean hasUpToDate(String resource) {
        SimResource r = resources.get(resource);
        return up && r != null && r.disk == DiskState.UP_TO_DATE;
    }

    boolean resourceOpen(String resource) {
        return resources.get(resource).role == DrbdRole.PRIMARY
                && vms.values().stream().anyMatch(vm -> vm.resource.equals(resource) && vm.running());
    }

    // ---- VMs --------------------------------------------------------------------------------

    /** The VMs defined here (all of the pair's), running or not. */
    public List<String> vmNames() {
        synchronized (pair.lock) {
            return List.copyOf(vms.keySet());
        }
    }

    /** The VMs running here now. */
    public List<String> runningVmNames() {
        synchronized (pair.lock) {
            return vms.values().stream()
                    .filter(SimVm::running)
                    .map(vm -> vm.name)
                    .toList();
        }
    }

    public VmState vmState(String vm) {
        synchronized (pair.lock) {
            return vm(vm).state;
        }
    }

    public long vmMemoryKiB(String vm) {
        synchronized (pair.lock) {
            return vm(vm).memoryKiB;
        }
    }

    /** {@code virsh define}: a VM whose disks live on {@code resource}, shut off until started. */
    public void defineVm(String vm, String uuid, String resource, long memoryKiB, long maxMemoryKiB, int vcpus) {
        synchronized (pair.lock) {
            Name.check("vm", vm);
            resource(resource);
            if (vms.containsKey(vm)) {
                throw new IllegalStateException(
                        "error: operation failed: domain '" + vm + "' already exists on " + name);
            }
            vms.put(vm, new SimVm(vm, uuid, resource, memoryKiB, maxMemoryKiB, vcpus));
        }
    }

    /**
     * {@code virsh start}, {@code xl create}: the guest boots (its boot count grows). Refused when it
     * runs already, when its resource is not Primary here (its disks live there) and when the host
     * lacks the memory; and, the lab's invariant, when it runs on the peer.
     */
    public void startVm(String vm) {
        startVm(vm, Optional.empty());
    }

    /** A start at {@code bootKiB} instead of the definition's memory, for this boot only ({@code xl create CFG memory=MiB}). */
    void startVm(String vm, Optional<Long> bootKiB) {
        synchronized (pair.lock) {
            requireUp();
            SimVm v = vm(vm);
            if (v.running()) {
                throw new VmRefusal(VmRefusal.Reason.ALREADY_RUNNING, vm, "error: Domain is already active");
            }
            long boot = bootKiB.orElse(v.bootMemoryKiB);
            if (boot <= 0 || boot > v.maxMemoryKiB) {
                throw new VmRefusal(VmRefusal.Reason.ABOVE_MAX_MEMORY, vm, "cannot set memory higher than max memory");
            }
            requirePrimary(v);
            if (boot > memoryAvailableKiB()) {
                throw new VmRefusal(
                        VmRefusal.Reason.HOST_MEMORY,
                        vm,
                        "error: Failed to start domain '" + vm + "': cannot allocate memory (" + boot + " KiB needed, "
                                + memoryAvailableKiB() + " KiB available on " + name + ")");
            }
            v.memoryKiB = boot;
            pair.boot(this, v);
            pair.publish(); // the DRBD device is open now
        }
    }

    /** The VM stops at once, as a completed {@code virsh shutdown} would leave it: shut off. */
    public void shutdownVm(String vm) {
        synchronized (pair.lock) {
            requireUp();
            powerOffGuest(vm(vm));
            pair.publish();
        }
    }

    /**
     * {@code virsh shutdown}, {@code xl shutdown}: the guest is asked and powers off after the
     * pair's guest shutdown delay ({@link SimulatedPair#GUEST_SHUTDOWN_DELAY}) of simulated time;
     * it runs until then.
     */
    void requestShutdown(String vm) {
        synchronized (pair.lock) {
            SimVm v = requireRunning(vm);
            if (v.shutsOffAt.isEmpty()) {
                v.shutsOffAt = Optional.of(pair.nowUnlocked().plus(SimulatedPair.GUEST_SHUTDOWN_DELAY));
            }
            pair.finishGuestShutdowns();
        }
    }

    /** {@code virsh destroy}, {@code xl destroy}: the plug is pulled. */
    void destroyVm(String vm) {
        synchronized (pair.lock) {
            powerOffGuest(requireRunning(vm));
            pair.publish();
        }
    }

    void powerOffGuest(SimVm v) {
        v.state = VmState.SHUT_OFF;
        v.memoryKiB =
                v.bootMemoryKiB; // a balloon lasts while the guest runs; shut off, the domain shows what it boots with
        v.id = -1;
        v.shutsOffAt = Optional.empty();
    }

    /** The VM's memory (its definition, and the running guest's too), at most its max memory. */
    public void setVmMemory(String vm, long memoryKiB) {
        synchronized (pair.lock) {
            requireUp();
            SimVm v = vm(vm);
            if (memoryKiB <= 0 || memoryKiB > v.maxMemoryKiB) {
                throw new VmRefusal(
                        VmRefusal.Reason.ABOVE_MAX_MEMORY,
                        vm,
                        "error: invalid argument: cannot set memory higher than max memory (" + v.maxMemoryKiB
                                + " KiB) or below 1 KiB: " + memoryKiB);
            }
            v.memoryKiB = memoryKiB;
            v.bootMemoryKiB = memoryKiB;
        }
    }

    /**
     * {@code virsh setmem VM KIB --config}: the memory the domain boots with next; a running
     * guest's balloon is left as it is. Refused above its max memory, as libvirt does.
     */
    void setVmBootMemory(String vm, long memoryKiB) {
        synchronized (pair.lock) {
            requireUp();
            SimVm v = vm(vm);
            if (memoryKiB <= 0 || memoryKiB > v.maxMemoryKiB) {
                throw new VmRefusal(VmRefusal.Reason.ABOVE_MAX_MEMORY, vm, "cannot set memory higher than max memory");
            }
            v.bootMemoryKiB = memoryKiB;
            if (!v.running()) {
                v.memoryKiB = memoryKiB;
            }
        }
    }

    /**
     * {@code virsh setmem VM KIB --live}, {@code xl mem-set}: the balloon target of a running VM.
     * Refused above its max memory (libvirt's own refusal) and, the lab's choice, when growing it
     * would take more than the host has available: real libvirt would let the host overcommit and
     * swap or OOM-kill, which the lab reports as a refused action instead, so a bad plan shows.
     */
    void setVmMemoryLive(String vm, long memoryKiB) {
        synchronized (pair.lock) {
            SimVm v = requireRunning(vm);
            if (memoryKiB <= 0 || memoryKiB > v.maxMemoryKiB) {
                throw new VmRefusal(VmRefusal.Reason.ABOVE_MAX_MEMORY, vm, "cannot set memory higher than max memory");
            }
            long growth = memoryKiB - v.memoryKiB;
            if (growth > memoryAvailableKiB()) {
                throw new VmRefusal(
                        VmRefusal.Reason.HOST_MEMORY,
                        vm,
                        "growing " + vm + " by " + growth + " KiB overcommits " + name + " (" + memoryAvailableKiB()
                                + " KiB available)");
            }
            v.memoryKiB = memoryKiB;
        }
    }

    /**
     * {@code virsh migrate --live VM DEST}, {@code xl migrate VM HOST}: the running guest moves to
     * {@code destination} without a restart (same uuid, memory, boot), which needs its resource
     * Primary there too (a dual-primary window). Refused, with the VM still running here, when the
     * destination is unreachable or itself, lacks the disk or the memory, or the stream breaks.
     */
    void migrateVm(String vm, SimulatedHost destination) {
        synchronized (pair.lock) {
            SimVm v = requireRunning(vm);
            if (destination == this) {
                throw new VmRefusal(
                        VmRefusal.Reason.SAME_HOST, vm, "Attempt to migrate guest to the same host " + name);
            }
            if (!destination.up) {
                throw new VmRefusal(
                        VmRefusal.Reason.DESTINATION_UNREACHABLE, vm, destination.name + " does not answer");
            }
            SimVm there = destination.vm(vm);
            destination.requirePrimary(there);
            if (v.memoryKiB > destination.memoryAvailableKiB()) {
                throw new VmRefusal(
                        VmRefusal.Reason.HOST_MEMORY,
                        vm,
                        destination.name + " has " + destination.memoryAvailableKiB() + " KiB available, " + vm
                                + " uses " + v.memoryKiB + " KiB");
            }
            if (pair.failingMigrations.remove(vm)) {
                throw new VmRefusal(
                        VmRefusal.Reason.MIGRATION_BROKE, vm, "the migration stream of " + vm + " broke halfway");
            }
            pair.move(v, this, there, destination);
            pair.publish();
        }
    }

    private void requirePrimary(SimVm v) {
        SimResource r = resource(v.resource);
        if (r.role != DrbdRole.PRIMARY) {
            throw new VmRefusal(
                    VmRefusal.Reason.DISK_NOT_PRIMARY,
                    v.name,
                    "/dev/drbd" + r.minor + ": Wrong medium type (" + v.resource + " is not Primary on " + name + ")");
        }
    }

    private SimVm requireRunning(String vm) {
        requireUp();
        SimVm v = vm(vm);
        if (!v.running()) {
            throw new VmRefusal(
                    VmRefusal.Reason.NOT_RUNNING, vm, "Requested operation is not valid: domain is not running");
        }
        return v;
    }

    /** Whether the VM is defined here (every VM of the pair is). */
    boolean definesVm(String vm) {
        return vms.containsKey(vm);
    }

    /** Whether the qemu guest agent answers guest-ping. */
    public void setGuestAgentAnswering(String vm, boolean answering) {
        synchronized (pair.lock) {
            vm(vm).guestAgentAnswering = answering;
        }
    }

    // ---- memory and disks -------------------------------------------------------------------

    public long memoryTotalKiB() {
        return memoryTotalKiB;
    }

    /** MemAvailable: what the running VMs, the host itself (1 GiB) and whatever else holds memory there (memory-taken) leave. */
    public long memoryAvailableKiB() {
        synchronized (pair.lock) {
            long used = 1_048_576
                    + memoryTakenKiB
                    + vms.values().stream()
                            .filter(SimVm::running)
                            .mapToLong(vm -> vm.memoryKiB)
                            .sum();
            return Math.max(0, memoryTotalKiB - used);
        }
    }

    public List<String> diskDevices() {
        synchronized (pair.lock) {
            return List.copyOf(disks.keySet());
        }
    }

    /**
     * A further ATA disk goes in and becomes the only PV of a new volume group without LVs
     * ({@code pvcreate}, {@code vgcreate}), so vgs reports a VG of that disk's size, all of it free.
     */
    public void addDisk(String device, long capacityBytes, String volumeGroup) {
        synchronized (pair.lock) {
            Name.checkDevice("device", device);
            Name.check("vg", volumeGroup);
            if (capacityBytes < (8L << 20)) {
                throw new IllegalArgumentException(
                        device + ": " + capacityBytes + " bytes is too small for a PV with one 4 MiB extent");
            }
            if (disks.values().stream()
                    .anyMatch(d -> d.answersTo(device) || d.volumeGroup.equals(Optional.of(volumeGroup)))) {
                throw new IllegalStateException(name + " already has disk " + device + " or VG " + volumeGroup);
            }
            disks.put(
                    device,
                    new SimDisk(
                            device,
                            io.vigil.events.DiskProtocol.ATA,
                            Optional.of(volumeGroup),
                            "Western Digital Red",
                            "WDC WD40EFRX-68N32N0",
                            "WD-WCC7K4NLX9X" + disks.size(),
                            "82.00A82",
                            capacityBytes,
                            31,
                            0));
        }
    }

    /**
     * A thin pool of {@code dataBytes} (and {@code metadataBytes} of metadata, whole 4 MiB extents)
     * in {@code volumeGroup}, with one thin volume of {@code virtualBytes} that has written
     * {@code usedBytes} into it ({@code lvcreate --type thin-pool}, {@code lvcreate -V -T}).
     */
    public void addThinPool(
            String volumeGroup,
            String pool,
            long dataBytes,
            long metadataBytes,
            String thinVolume,
            long virtualBytes,
            long usedBytes) {
        synchronized (pair.lock) {
            Name.check("vg", volumeGroup);
            Name.check("thin pool", pool);
            Name.check("thin volume", thinVolume);
            if (disks.values().stream().noneMatch(d -> d.volumeGroup.equals(Optional.of(volumeGroup)))) {
                throw new IllegalArgumentException(name + " has no VG " + volumeGroup);
            }
            if (thinPools.stream().anyMatch(p -> p.vg.equals(volumeGroup))) {
                throw new IllegalStateException(
                        name + ": VG " + volumeGroup + " has a thin pool already (the lab keeps one per VG)");
            }
            thinPools.add(new SimThinPool(volumeGroup, pool, dataBytes, metadataBytes)
                    .thin(thinVolume, virtualBytes, usedBytes));
        }
    }

    /** The data use of a thin pool, in percent, as lvs prints it. */
    public double thinPoolDataPercent(String volumeGroup, String pool) {
        synchronized (pair.lock) {
            return thinPools.stream()
                    .filter(p -> p.vg.equals(volumeGroup) && p.name.equals(pool))
                    .findFirst()
                    .map(p -> Double.parseDouble(p.dataPercent()))
                    .orElseThrow(
                            () -> new IllegalArgumentException(name + " has no thin pool " + volumeGroup + "/" + pool));
        }
    }

    public boolean diskFailed(String device) {
        synchronized (pair.lock) {
            return physicalDisk(device).failed;
        }
    }

    SimDisk physicalDisk(String device) {
        return disks.values().stream()
                .filter(d -> d.answersTo(device))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no disk " + Name.printable(device)
                        + " (it has " + String.join(", ", disks.keySet()) + ")"));
    }

    int nextDiskGeneration() {
        return ++diskGeneration;
    }

    SimResource resource(String resource) {
        SimResource r = resources.get(resource);
        if (r == null) {
            throw new IllegalArgumentException(
                    name + " has no DRBD resource " + Name.printable(String.valueOf(resource)) + " (it has "
                            + String.join(", ", resources.keySet()) + ")");
        }
        return r;
    }

    /** Throws IllegalArgumentException when this host has no VM of that name. */
    void checkVm(String vm) {
        if (!vms.containsKey(vm)) {
            throw new IllegalArgumentException(name + " has no VM '" + Name.printable(String.valueOf(vm)) + "' (it has "
                    + String.join(", ", vms.keySet()) + ")");
        }
    }

    SimVm vm(String vm) {
        SimVm v = vms.get(vm);
        if (v == null) {
            throw new IllegalArgumentException(
                    "error: failed to get domain '" + Name.printable(String.valueOf(vm)) + "' on " + name);
        }
        return v;
    }

    private void requireUp() {
        if (!up) {
            throw new IllegalStateException(name + " is down");
        }
    }

    int assignDomainId() {
        return nextDomainId++;
    }

    // ---- the agent's seams ------------------------------------------------------------------

    @Override
    public CommandResult run(Command command, Duration timeout) throws CommandException {
        long start = System.nanoTime();
        boolean hang;
        Duration delay;
        synchronized (pair.lock) {
            hang = !up || tools.isStream(command);
            delay = toolDelay;
        }
        if (hang || delay.compareTo(timeout) >= 0) {
            // a frozen host (or a command that never ends) answers nothing; the caller's timeout ends it
            hangFor(command, timeout, timeout);
        }
        if (!delay.isZero()) {
            waitFor(command, delay);
        }
        Duration took = pair.toolsWaitInSimulatedTime() ? delay : Duration.ofNanos(System.nanoTime() - start);
        Optional<ToolAnswers.Answer> answer = Optional.empty();
        synchronized (pair.lock) {
            // frozen while the slow tool ran: it answers nothing (its BMC call cuts no power), as any command on a down
            // host
            if (up) {
                ToolAnswers.Answer given = tools.answer(command);
                // a command that took its own host down (its BMC cut its own power) has no caller left to answer
                answer = up ? Optional.of(given) : Optional.empty();
            }
        }
        if (answer.isEmpty()) {
            hangFor(command, timeout.minus(took), timeout);
        }
        ToolAnswers.Answer said = answer.orElseThrow();
        return new CommandResult(command, said.exitCode(), said.stdout(), said.stderr(), took);
    }

    /** Waits out what is {@code left} of the caller's {@code timeout}, then ends the command as a timeout does. */
    private void hangFor(Command command, Duration left, Duration timeout) throws CommandException {
        waitFor(command, left);
        throw new CommandException(
                command, "killed after running longer than " + timeout.toMillis() + " ms", true, null);
    }

    /**
     * Lets time pass (a slow or hung tool), interruptibly: wall time in the live lab, simulated
     * time where the pair's clock is driven by a deterministic rig.
     */
    private void waitFor(Command command, Duration timeout) throws CommandException {
        if (pair.toolsWaitInSimulatedTime()) {
            if (!timeout.isNegative() && !timeout.isZero()) {
                if (pair.waitsTakeNoTime()) {
                    pair.skip(timeout);
                } else {
                    pair.tick(timeout);
                }
            }
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Object never = new Object();
        try {
            synchronized (never) {
                for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                    never.wait(Math.max(1, left / 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException(command, "interrupted", false, e);
        }
    }

    @Override
    public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
        synchronized (pair.lock) {
            Optional<Events2Stream> stream = tools.startStream(command, lines);
            if (stream.isPresent()) {
                return stream.get();
            }
        }
        // anything else runs to completion and its output is streamed at once
        CommandResult result = run(command, Duration.ofSeconds(30));
        Events2Stream oneShot = new Events2Stream(name, lines);
        result.stdout().lines().forEach(oneShot::push);
        oneShot.end(result.exitCode());
        oneShot.begin();
        return oneShot;
    }

    @Override
    public Optional<String> read(Path path) throws IOException {
        synchronized (pair.lock) {
            if (!up) {
                throw new IOException(path + ": " + name + " is down (no answer)");
            }
            return switch (path.toString()) {
                case "/proc/meminfo" -> Optional.of(ProcText.meminfo(memoryTotalKiB, memoryAvailableKiB()));
                case "/proc/drbd" -> Optional.of(ProcText.procDrbd());
                default -> DebugfsText.read(this, path.toString());
            };
        }
    }

    @Override
    public List<String> list(Path directory) throws IOException {
        synchronized (pair.lock) {
            if (!up) {
                throw new IOException(directory + ": " + name + " is down (no answer)");
            }
            // nothing reads a directory of the simulated kernel yet: the agent reads debugfs's files by their known
            // paths
            return List.of();
        }
    }

    @Override
    public String toString() {
        return "simulated host " + name;
    }
}
