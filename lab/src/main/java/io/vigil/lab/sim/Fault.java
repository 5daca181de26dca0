package io.vigil.lab.sim;

import io.vigil.events.Name;

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
              host-down NODE             the host freezes: its commands hang until their timeout, its events2 stream falls silent
              host-up NODE               the host comes back (rebooted: DRBD Secondary, VMs shut off) and resyncs
              link-cut                   the replication cable is cut: both hosts lose the connection, writes pile up out-of-sync
              link-restore               the cable is back: the hosts reconnect and resync
              agent-hang NODE VM         the VM's qemu guest agent stops answering guest-ping
              agent-recover NODE VM      it answers again
            NODE is node-a or node-b; DEVICE is /dev/sda (ATA, holds vg0 and so r0 and r1) or /dev/nvme0 (NVMe, the OS disk).
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

    /**
     * Reads one typed line. Throws IllegalArgumentException with a message a user can act on
     * (the word that was not understood, and the usage of the fault they meant).
     */
    static Fault parse(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("no fault given; type one of:\n" + HELP);
        }
        List<String> words = List.of(line.trim().split("\\s+"));
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        return switch (verb) {
            case "disk-fail" -> new DiskFail(arg(args, 0, 2, "disk-fail NODE DEVICE"), arg(args, 1, 2, "disk-fail NODE DEVICE"));
            case "disk-replace" -> new DiskReplace(arg(args, 0, 2, "disk-replace NODE DEVICE"), arg(args, 1, 2, "disk-replace NODE DEVICE"));
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
            case "agent-hang" -> new AgentHang(arg(args, 0, 2, "agent-hang NODE VM"), arg(args, 1, 2, "agent-hang NODE VM"));
            case "agent-recover" -> new AgentRecover(arg(args, 0, 2, "agent-recover NODE VM"), arg(args, 1, 2, "agent-recover NODE VM"));
            default -> throw new IllegalArgumentException("unknown fault '" + Name.printable(words.get(0)) + "'; type one of:\n" + HELP);
        };
    }

    private static String arg(List<String> args, int index, int expected, String usage) {
        if (args.size() != expected) {
            throw new IllegalArgumentException("'" + usage.split(" ")[0] + "' takes " + (expected == 0 ? "no arguments" : expected + " argument" + (expected > 1 ? "s" : ""))
                    + ", got " + args.size() + "; usage: " + usage);
        }
        return index < 0 ? "" : args.get(index);
    }
}
