package io.vigil.lab.sim;

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
    final List<Events2Stream> streams = new ArrayList<>();
    /** what the events2 streams last showed, to print only what changed */
    Map<String, Events2Object> shown = new LinkedHashMap<>();
    boolean up = true;
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
     * {@code drbdadm primary RESOURCE}. Refuses as DRBD does: without UpToDate data (DRBD's -2), or
     * while the connected peer is Primary (-1), or while the host is down.
     */
    public void promote(String resource) {
        synchronized (pair.lock) {
            requireUp();
            SimResource r = resource(resource);
            if (r.role == DrbdRole.PRIMARY) {
                return;
            }
            if (r.disk != DiskState.UP_TO_DATE && !(pair.peerOf(this).hasUpToDate(resource) && r.connection == ConnectionState.CONNECTED)) {
                throw new IllegalStateException(resource + ": State change failed: (-2) Need access to UpToDate data");
            }
            SimResource theirs = pair.peerOf(this).resources.get(resource);
            if (r.connection == ConnectionState.CONNECTED && theirs.role == DrbdRole.PRIMARY) {
                throw new IllegalStateException(resource + ": State change failed: (-1) Multiple primaries not allowed by config");
            }
            r.role = DrbdRole.PRIMARY;
            pair.publish();
        }
    }

    /** {@code drbdadm secondary RESOURCE}; refused while a running VM holds the device open (DRBD's -12). */
    public void demote(String resource) {
        synchronized (pair.lock) {
            requireUp();
            SimResource r = resource(resource);
            if (resourceOpen(resource)) {
                throw new IllegalStateException(resource + ": State change failed: (-12) Device is held open by someone");
            }
            r.role = DrbdRole.SECONDARY;
            pair.publish();
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

    public List<String> vmNames() {
        synchronized (pair.lock) {
            return List.copyOf(vms.keySet());
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
                throw new IllegalStateException("error: operation failed: domain '" + vm + "' already exists on " + name);
            }
            vms.put(vm, new SimVm(vm, uuid, resource, memoryKiB, maxMemoryKiB, vcpus));
        }
    }

    /** {@code virsh start}; the VM's resource must be Primary here, as its disks live there. */
    public void startVm(String vm) {
        synchronized (pair.lock) {
            requireUp();
            SimVm v = vm(vm);
            if (v.running()) {
                throw new IllegalStateException("error: Requested operation is not valid: domain is already running");
            }
            if (resource(v.resource).role != DrbdRole.PRIMARY) {
                throw new IllegalStateException("error: Failed to start domain '" + vm + "': /dev/drbd"
                        + resource(v.resource).minor + ": Wrong medium type (" + v.resource + " is not Primary on " + name + ")");
            }
            if (v.memoryKiB > memoryAvailableKiB()) {
                throw new IllegalStateException("error: Failed to start domain '" + vm + "': cannot allocate memory");
            }
            v.state = VmState.RUNNING;
            v.id = nextDomainId++;
            pair.publish(); // the DRBD device is open now
        }
    }

    /** {@code virsh shutdown} (taken as completed at once) or {@code destroy}: the VM is shut off. */
    public void shutdownVm(String vm) {
        synchronized (pair.lock) {
            requireUp();
            SimVm v = vm(vm);
            v.state = VmState.SHUT_OFF;
            v.id = -1;
            pair.publish();
        }
    }

    /** {@code virsh setmem}: the balloon target, at most the VM's max memory. */
    public void setVmMemory(String vm, long memoryKiB) {
        synchronized (pair.lock) {
            requireUp();
            SimVm v = vm(vm);
            if (memoryKiB <= 0 || memoryKiB > v.maxMemoryKiB) {
                throw new IllegalArgumentException("error: invalid argument: cannot set memory higher than max memory ("
                        + v.maxMemoryKiB + " KiB) or below 1 KiB: " + memoryKiB);
            }
            v.memoryKiB = memoryKiB;
        }
    }

    /** Whether the VM's qemu guest agent answers guest-ping. */
    public void setGuestAgentAnswering(String vm, boolean answering) {
        synchronized (pair.lock) {
            vm(vm).guestAgentAnswering = answering;
        }
    }

    // ---- memory and disks -------------------------------------------------------------------

    public long memoryTotalKiB() {
        return memoryTotalKiB;
    }

    /** MemAvailable: what the running VMs and the host itself (1 GiB) leave. */
    public long memoryAvailableKiB() {
        synchronized (pair.lock) {
            long used = 1_048_576 + vms.values().stream().filter(SimVm::running).mapToLong(vm -> vm.memoryKiB).sum();
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
                throw new IllegalArgumentException(device + ": " + capacityBytes + " bytes is too small for a PV with one 4 MiB extent");
            }
            if (disks.values().stream().anyMatch(d -> d.answersTo(device) || d.volumeGroup.equals(Optional.of(volumeGroup)))) {
                throw new IllegalStateException(name + " already has disk " + device + " or VG " + volumeGroup);
            }
            disks.put(device, new SimDisk(device, io.vigil.events.DiskProtocol.ATA, Optional.of(volumeGroup), "Western Digital Red",
                    "WDC WD40EFRX-68N32N0", "WD-WCC7K4NLX9X" + disks.size(), "82.00A82", capacityBytes, 31, 0));
        }
    }

    public boolean diskFailed(String device) {
        synchronized (pair.lock) {
            return physicalDisk(device).failed;
        }
    }

    SimDisk physicalDisk(String device) {
        return disks.values().stream().filter(d -> d.answersTo(device)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no disk " + Name.printable(device)
                        + " (it has " + String.join(", ", disks.keySet()) + ")"));
    }

    int nextDiskGeneration() {
        return ++diskGeneration;
    }

    SimResource resource(String resource) {
        SimResource r = resources.get(resource);
        if (r == null) {
            throw new IllegalArgumentException(name + " has no DRBD resource " + Name.printable(String.valueOf(resource))
                    + " (it has " + String.join(", ", resources.keySet()) + ")");
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

    private SimVm vm(String vm) {
        SimVm v = vms.get(vm);
        if (v == null) {
            throw new IllegalArgumentException("error: failed to get domain '" + Name.printable(String.valueOf(vm)) + "' on " + name);
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
        synchronized (pair.lock) {
            hang = !up || tools.isStream(command);
        }
        if (hang) {
            // a frozen host (or a command that never ends) answers nothing; the caller's timeout ends it
            hangFor(command, timeout);
        }
        ToolAnswers.Answer answer;
        synchronized (pair.lock) {
            answer = tools.answer(command);
        }
        return new CommandResult(command, answer.exitCode(), answer.stdout(), answer.stderr(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static void hangFor(Command command, Duration timeout) throws CommandException {
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
        throw new CommandException(command, "killed after running longer than " + timeout.toMillis() + " ms", true, null);
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
                default -> Optional.empty();
            };
        }
    }

    @Override
    public List<String> list(Path directory) throws IOException {
        synchronized (pair.lock) {
            if (!up) {
                throw new IOException(directory + ": " + name + " is down (no answer)");
            }
            // the simulated kernel offers no DRBD debugfs (oldest_requests): the probe must cope without it
            return List.of();
        }
    }

    @Override
    public String toString() {
        return "simulated host " + name;
    }
}
