package io.vigil.sim;

import io.vigil.events.Name;
import io.vigil.service.config.ByteSize;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A fault the lab injects into its simulated pair, each with the fault that undoes it. A user
 * types them as one line ({@link #HELP}); {@link #parse} reads that line and rejects anything
 * else with a message that says what was wrong and what would be right.
 */
public sealed interface Fault {

    String HELP = """
            faults (each line undoes the one above or below it):
              disk-fail NODE DEVICE      the disk dies: SMART fails, DRBD detaches the resources on it (Failed, then Diskless)
              disk-replace NODE DEVICE   a new disk goes in: DRBD attaches it Inconsistent and resyncs it from the peer
              disk-dying NODE DEVICE     the disk's own SMART verdict turns FAILED while it still reads and writes (DRBD stays UpToDate)
              host-down NODE             the host freezes: its commands hang until their timeout, its events2 stream falls silent
              host-up NODE               the host comes back (rebooted: DRBD Secondary, VMs shut off) and resyncs
              link-cut                   the replication cable is cut: both hosts lose the connection, writes pile up out-of-sync
              link-restore               the cable is back: the hosts reconnect and resync
              agent-hang NODE VM         the VM's qemu guest agent stops answering guest-ping
              agent-recover NODE VM      it answers again
              fence-lies NODE            NODE's BMC answers "power off" with success and does nothing; its status stays on
              fence-honest NODE          NODE's BMC does what it says again
              fence-broken NODE          NODE's BMC fails every power command (exit 1, ipmitool's session error)
              fence-repaired NODE        NODE's BMC answers again
              migration-fails VM         the next live migration of VM breaks halfway; VM keeps running on its source
              migration-works VM         VM's live migrations work again
              slow-tool NODE SECONDS     every command on NODE takes SECONDS (1 to 3600) to answer, or hits its timeout
              slow-tool-off NODE         NODE's commands answer at once again
              memory-taken NODE SIZE     something other than the VMs holds SIZE (e.g. 3GiB, at most what is available) on NODE: /proc/meminfo's MemAvailable falls, fewer VMs fit
              memory-freed NODE          it lets go: NODE's memory is there for VMs again
            NODE is node-a or node-b; VM is web, mail, db or backup; DEVICE is /dev/sda (ATA, holds vg0 and so r0 and r1) or /dev/nvme0 (NVMe, the OS disk).
            example: disk-fail node-a /dev/sda""";

    /** The line a user would type for this fault. */
    String command();

    /** The fault that undoes this one. */
    Fault undo();

    /** Applies the fault under the pair's lock; throws IllegalArgument/IllegalState when it does not apply. */
    String applyTo(SimulatedPair pair);

    /**
     * Throws IllegalArgumentException when the fault names a host, disk or VM the pair does not
     * have; what state they are in is not looked at. Under the pair's lock.
     */
    void checkNamesIn(SimulatedPair pair);

    record DiskFail(String node, String device) implements Fault {
        public DiskFail {
            Name.check("node", node);
            Name.checkDevice("device", device);
        }

        public String command() {
            return "disk-fail " + node + " " + device;
        }

        public Fault undo() {
            return new DiskReplace(node, device);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.failDisk(pair.node(node), device);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node).physicalDisk(device);
        }
    }

    /** SMART says the drive will fail; the medium still works, so DRBD keeps it. Undone by replacing it. */
    record DiskDying(String node, String device) implements Fault {
        public DiskDying {
            Name.check("node", node);
            Name.checkDevice("device", device);
        }

        public String command() {
            return "disk-dying " + node + " " + device;
        }

        public Fault undo() {
            return new DiskReplace(node, device);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.dyingDisk(pair.node(node), device);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node).physicalDisk(device);
        }
    }

    record DiskReplace(String node, String device) implements Fault {
        public DiskReplace {
            Name.check("node", node);
            Name.checkDevice("device", device);
        }

        public String command() {
            return "disk-replace " + node + " " + device;
        }

        public Fault undo() {
            return new DiskFail(node, device);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.replaceDisk(pair.node(node), device);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node).physicalDisk(device);
        }
    }

    record HostDown(String node) implements Fault {
        public HostDown {
            Name.check("node", node);
        }

        public String command() {
            return "host-down " + node;
        }

        public Fault undo() {
            return new HostUp(node);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.takeDown(pair.node(node));
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    record HostUp(String node) implements Fault {
        public HostUp {
            Name.check("node", node);
        }

        public String command() {
            return "host-up " + node;
        }

        public Fault undo() {
            return new HostDown(node);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.bringUp(pair.node(node));
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    record LinkCut() implements Fault {
        public String command() {
            return "link-cut";
        }

        public Fault undo() {
            return new LinkRestore();
        }

        public String applyTo(SimulatedPair pair) {
            return pair.cutLink();
        }

        public void checkNamesIn(SimulatedPair pair) {
            // names nothing
        }
    }

    record LinkRestore() implements Fault {
        public String command() {
            return "link-restore";
        }

        public Fault undo() {
            return new LinkCut();
        }

        public String applyTo(SimulatedPair pair) {
            return pair.restoreLink();
        }

        public void checkNamesIn(SimulatedPair pair) {
            // names nothing
        }
    }

    record AgentHang(String node, String vm) implements Fault {
        public AgentHang {
            Name.check("node", node);
            Name.check("vm", vm);
        }

        public String command() {
            return "agent-hang " + node + " " + vm;
        }

        public Fault undo() {
            return new AgentRecover(node, vm);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.guestAgent(pair.node(node), vm, false);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node).checkVm(vm);
        }
    }

    record AgentRecover(String node, String vm) implements Fault {
        public AgentRecover {
            Name.check("node", node);
            Name.check("vm", vm);
        }

        public String command() {
            return "agent-recover " + node + " " + vm;
        }

        public Fault undo() {
            return new AgentHang(node, vm);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.guestAgent(pair.node(node), vm, true);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node).checkVm(vm);
        }
    }

    record FenceLies(String node, boolean lies) implements Fault {
        public FenceLies {
            Name.check("node", node);
        }

        public String command() {
            return (lies ? "fence-lies " : "fence-honest ") + node;
        }

        public Fault undo() {
            return new FenceLies(node, !lies);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.fenceLies(pair.node(node), lies);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    record FenceBroken(String node, boolean broken) implements Fault {
        public FenceBroken {
            Name.check("node", node);
        }

        public String command() {
            return (broken ? "fence-broken " : "fence-repaired ") + node;
        }

        public Fault undo() {
            return new FenceBroken(node, !broken);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.fenceBroken(pair.node(node), broken);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    record MigrationFails(String vm, boolean fails) implements Fault {
        public MigrationFails {
            Name.check("vm", vm);
        }

        public String command() {
            return (fails ? "migration-fails " : "migration-works ") + vm;
        }

        public Fault undo() {
            return new MigrationFails(vm, !fails);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.migrationFails(vm, fails);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.nodeA().checkVm(vm);
        }
    }

    /** Every command on the host takes {@code seconds} to answer. */
    record SlowTool(String node, int seconds) implements Fault {
        public SlowTool {
            Name.check("node", node);
            if (seconds < 1 || seconds > 3600) {
                throw new IllegalArgumentException("slow-tool takes SECONDS from 1 to 3600, got " + seconds);
            }
        }

        public String command() {
            return "slow-tool " + node + " " + seconds;
        }

        public Fault undo() {
            return new SlowToolOff(node);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.slowTools(pair.node(node), Duration.ofSeconds(seconds));
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    /** The host's commands answer at once again. */
    record SlowToolOff(String node) implements Fault {
        /** the slowness the undo of slow-tool-off brings back: the seconds typed before are not known to it */
        static final int UNDONE_SECONDS = 5;

        public SlowToolOff {
            Name.check("node", node);
        }

        public String command() {
            return "slow-tool-off " + node;
        }

        public Fault undo() {
            return new SlowTool(node, UNDONE_SECONDS);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.slowTools(pair.node(node), Duration.ZERO);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    /** Something other than the host's VMs holds {@code bytes} of its memory (whole KiB, as /proc/meminfo counts). */
    record MemoryTaken(String node, long bytes) implements Fault {
        public MemoryTaken {
            Name.check("node", node);
            if (bytes < (1L << 20) || bytes > (1L << 40) || bytes % 1024 != 0) {
                throw new IllegalArgumentException(
                        "memory-taken takes SIZE from 1MiB to 1TiB in whole KiB, got " + ByteSize.format(bytes));
            }
        }

        public String command() {
            return "memory-taken " + node + " " + ByteSize.format(bytes);
        }

        public Fault undo() {
            return new MemoryFreed(node);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.takeMemory(pair.node(node), bytes / 1024);
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    /** What held the host's memory lets go. */
    record MemoryFreed(String node) implements Fault {
        /** the memory the undo of memory-freed takes again: the size taken before is not known to it */
        static final long UNDONE_BYTES = 2L << 30;

        public MemoryFreed {
            Name.check("node", node);
        }

        public String command() {
            return "memory-freed " + node;
        }

        public Fault undo() {
            return new MemoryTaken(node, UNDONE_BYTES);
        }

        public String applyTo(SimulatedPair pair) {
            return pair.freeMemory(pair.node(node));
        }

        public void checkNamesIn(SimulatedPair pair) {
            pair.node(node);
        }
    }

    /**
     * Reads one typed line. Throws IllegalArgumentException with a message a user can act on
     * (the word that was not understood, and the usage of the fault they meant).
     */
    public static Fault parse(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("no fault given; type one of:\n" + HELP);
        }
        List<String> words = List.of(line.trim().split("\\s+"));
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        return switch (verb) {
            case "disk-fail" ->
                new DiskFail(arg(args, 0, 2, "disk-fail NODE DEVICE"), arg(args, 1, 2, "disk-fail NODE DEVICE"));
            case "disk-dying" ->
                new DiskDying(arg(args, 0, 2, "disk-dying NODE DEVICE"), arg(args, 1, 2, "disk-dying NODE DEVICE"));
            case "disk-replace" ->
                new DiskReplace(
                        arg(args, 0, 2, "disk-replace NODE DEVICE"), arg(args, 1, 2, "disk-replace NODE DEVICE"));
            case "host-down" -> new HostDown(arg(args, 0, 1, "host-down NODE"));
            case "host-up" -> new HostUp(arg(args, 0, 1, "host-up NODE"));
            case "link-cut" -> {
                arg(args, -1, 0, "link-cut");
                yield new LinkCut();
            }
            case "link-restore" -> {
                arg(args, -1, 0, "link-restore");
                yield new LinkRestore();
            }
            case "agent-hang" ->
                new AgentHang(arg(args, 0, 2, "agent-hang NODE VM"), arg(args, 1, 2, "agent-hang NODE VM"));
            case "agent-recover" ->
                new AgentRecover(arg(args, 0, 2, "agent-recover NODE VM"), arg(args, 1, 2, "agent-recover NODE VM"));
            case "fence-lies" -> new FenceLies(arg(args, 0, 1, "fence-lies NODE"), true);
            case "fence-honest" -> new FenceLies(arg(args, 0, 1, "fence-honest NODE"), false);
            case "fence-broken" -> new FenceBroken(arg(args, 0, 1, "fence-broken NODE"), true);
            case "fence-repaired" -> new FenceBroken(arg(args, 0, 1, "fence-repaired NODE"), false);
            case "migration-fails" -> new MigrationFails(arg(args, 0, 1, "migration-fails VM"), true);
            case "migration-works" -> new MigrationFails(arg(args, 0, 1, "migration-works VM"), false);
            case "slow-tool" ->
                new SlowTool(
                        arg(args, 0, 2, "slow-tool NODE SECONDS"), seconds(arg(args, 1, 2, "slow-tool NODE SECONDS")));
            case "slow-tool-off" -> new SlowToolOff(arg(args, 0, 1, "slow-tool-off NODE"));
            case "memory-taken" ->
                new MemoryTaken(
                        arg(args, 0, 2, "memory-taken NODE SIZE"), size(arg(args, 1, 2, "memory-taken NODE SIZE")));
            case "memory-freed" -> new MemoryFreed(arg(args, 0, 1, "memory-freed NODE"));
            default ->
                throw new IllegalArgumentException(
                        "unknown fault '" + Name.printable(words.get(0)) + "'; type one of:\n" + HELP);
        };
    }

    private static int seconds(String word) {
        try {
            return Integer.parseInt(word);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "SECONDS must be a whole number from 1 to 3600, got '" + Name.printable(word) + "'");
        }
    }

    private static long size(String word) {
        try {
            return ByteSize.parse(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "SIZE: " + e.getMessage() + "; usage: memory-taken NODE SIZE, e.g. memory-taken node-b 3GiB");
        }
    }

    private static String arg(List<String> args, int index, int expected, String usage) {
        if (args.size() != expected) {
            throw new IllegalArgumentException("'" + usage.split(" ")[0] + "' takes "
                    + (expected == 0 ? "no arguments" : expected + " argument" + (expected > 1 ? "s" : "")) + ", got "
                    + args.size() + "; usage: " + usage);
        }
        return index < 0 ? "" : args.get(index);
    }
}
