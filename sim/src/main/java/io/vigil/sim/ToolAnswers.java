package io.vigil.sim;

import io.vigil.collectors.command.Command;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads an argv as the real tool would and answers from a host's state. Called under the pair's
 * lock. Unknown programs get the shell's "not found" (exit 127); known programs asked for
 * something the lab does not simulate say so on stderr (exit 1). Never throws.
 */
final class ToolAnswers {
    record Answer(int exitCode, String stdout, String stderr) {
        static Answer ok(String stdout) {
            return new Answer(0, stdout, "");
        }
    }

    private final SimulatedHost host;

    ToolAnswers(SimulatedHost host) {
        this.host = host;
    }

    /** The long-running events2 (without --now): run() on it never ends by itself. */
    boolean isStream(Command command) {
        List<String> argv = command.argv();
        return argv.size() >= 2
                && argv.get(0).equals("drbdsetup")
                && argv.get(1).equals("events2")
                && !argv.contains("--now")
                && events2Options(argv).isPresent();
    }

    Optional<Events2Stream> startStream(Command command, Consumer<String> lines) {
        if (!isStream(command)) {
            return Optional.empty();
        }
        Set<String> options = events2Options(command.argv()).orElseThrow();
        return Optional.of(
                host.pair.openStream(host, lines, options.contains("--timestamps"), options.contains("--statistics")));
    }

    Answer answer(Command command) {
        List<String> argv = command.argv();
        try {
            return switch (argv.get(0)) {
                case "drbdsetup" -> drbdsetup(argv);
                case "smartctl" -> smartctl(argv);
                case "vgs", "lvs" -> lvm(argv);
                case "drbdadm" -> DrbdadmCommand.answer(host, argv);
                case "virsh" -> virsh(argv);
                case "xl" -> xl(argv);
                case SimBmc.PROGRAM -> SimBmc.answer(host.pair, argv);
                case "ping" -> ping(argv);
                default -> notFound(argv.get(0));
            };
        } catch (RuntimeException e) {
            // a gap in the simulator must read as a failing command, never crash the agent
            return new Answer(
                    1, "", argv.get(0) + ": the lab's simulated host failed to answer: " + e.getMessage() + "\n");
        }
    }

    static Answer notFound(String program) {
        return new Answer(127, "", "sh: 1: " + io.vigil.events.Name.printable(program) + ": not found\n");
    }

    static Answer notSimulated(List<String> argv) {
        return new Answer(
                1,
                "",
                argv.get(0) + ": '" + io.vigil.events.Name.printable(String.join(" ", argv))
                        + "' is not simulated by the lab's host\n");
    }

    private static Optional<Set<String>> events2Options(List<String> argv) {
        Set<String> allowed = Set.of("--now", "--timestamps", "--statistics");
        Set<String> options = new HashSet<>(argv.subList(2, argv.size()));
        return allowed.containsAll(options) && options.size() == argv.size() - 2
                ? Optional.of(options)
                : Optional.empty();
    }

    private Answer drbdsetup(List<String> argv) {
        if (argv.size() >= 2 && argv.get(1).equals("events2") && argv.contains("--now")) {
            Optional<Set<String>> options = events2Options(argv);
            if (options.isPresent()) {
                return Answer.ok(host.pair.dump(
                        host,
                        options.get().contains("--timestamps"),
                        options.get().contains("--statistics")));
            }
        }
        return notSimulated(argv);
    }

    private Answer smartctl(List<String> argv) {
        List<String> args = argv.subList(1, argv.size());
        if (args.equals(List.of("--scan-open", "--json")) || args.equals(List.of("--json", "--scan-open"))) {
            return answer(SmartctlText.scan(List.copyOf(host.disks.values()), argv, host.pair.now()));
        }
        List<String> rest = new ArrayList<>(args);
        if (rest.size() >= 3 && rest.get(0).equals("--json") && rest.get(1).equals("-a")) {
            rest = rest.subList(2, rest.size());
            Optional<String> type = Optional.empty();
            if (rest.size() == 3 && rest.get(0).equals("-d")) {
                type = Optional.of(rest.get(1));
                rest = rest.subList(2, 3);
            }
            if (rest.size() == 1) {
                String device = rest.get(0);
                Optional<SimDisk> disk = host.disks.values().stream()
                        .filter(d -> d.answersTo(device))
                        .findFirst();
                // the lab's disks sit on plain ports, not behind a RAID card: smartctl reaches them with the
                // type its scan reports for them (what the probe passes back in scan mode), or auto, and no other
                if (disk.isEmpty()
                        || type.filter(t -> !t.equals("auto") && !t.equals(SmartctlText.scanType(disk.get())))
                                .isPresent()) {
                    return answer(SmartctlText.noSuchDevice(
                            type.map(t -> device + " [" + t + "]").orElse(device), argv, host.pair.now()));
                }
                return answer(SmartctlText.all(disk.get(), device, argv, host.pair.now()));
            }
        }
        return notSimulated(argv);
    }

    private static Answer answer(SmartctlText.Output output) {
        return new Answer(output.exitStatus(), output.stdout(), "");
    }

    private Answer lvm(List<String> argv) {
        List<String> expected = List.of("--reportformat", "json", "--units", "b", "--nosuffix", "-o");
        if (argv.size() != 8 || !argv.subList(1, 7).equals(expected)) {
            return notSimulated(argv);
        }
        List<String> columns = List.of(argv.get(7).split(","));
        List<LvmText.Vg> vgs = host.pair.volumeGroups(host);
        LvmText.Output out = argv.get(0).equals("vgs")
                ? LvmText.vgs(vgs, columns)
                : LvmText.lvs(host.pair.logicalVolumes(host), vgs, columns);
        return new Answer(out.exitCode(), out.stdout(), out.stderr());
    }

    private Answer virsh(List<String> argv) {
        List<String> args = new ArrayList<>(argv.subList(1, argv.size()));
        if (args.size() >= 2 && (args.get(0).equals("-c") || args.get(0).equals("--connect"))) {
            args = args.subList(2, args.size());
        }
        if (args.equals(List.of("list", "--all"))) {
            return Answer.ok(VirshText.list(List.copyOf(host.vms.values())));
        }
        if (args.size() == 2 && args.get(0).equals("dominfo")) {
            SimVm vm = host.vms.get(args.get(1));
            return vm == null ? noDomain(args.get(1)) : Answer.ok(VirshText.dominfo(vm));
        }
        if (args.size() == 3 && args.get(0).equals("qemu-agent-command")) {
            SimVm vm = host.vms.get(args.get(1));
            if (vm == null) {
                return noDomain(args.get(1));
            }
            if (!vm.running()) {
                return new Answer(1, "", "error: Requested operation is not valid: domain is not running\n");
            }
            if (!args.get(2).replace(" ", "").equals("{\"execute\":\"guest-ping\"}")) {
                return notSimulated(argv);
            }
            if (!vm.guestAgentAnswering) {
                return new Answer(1, "", "error: Guest agent is not responding: QEMU guest agent is not connected\n");
            }
            return Answer.ok("{\"return\":{}}\n");
        }
        return VirshActions.answer(host, argv, args).orElseGet(() -> notSimulated(argv));
    }

    private static Answer noDomain(String vm) {
        return new Answer(1, "", "error: failed to get domain '" + io.vigil.events.Name.printable(vm) + "'\n");
    }

    private Answer xl(List<String> argv) {
        if (argv.size() == 2 && argv.get(1).equals("list")) {
            return Answer.ok(XlText.list(List.copyOf(host.vms.values()), 1024, host.pair.uptimeSeconds() * 0.05));
        }
        return XlActions.answer(host, argv).orElseGet(() -> notSimulated(argv));
    }

    private Answer ping(List<String> argv) {
        int count = 3;
        double interval = 1;
        double wait = 10;
        String address = null;
        List<String> args = argv.subList(1, argv.size());
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "-n", "-q" -> {}
                    case "-c" -> count = Integer.parseInt(args.get(++i));
                    case "-i" -> interval = Double.parseDouble(args.get(++i));
                    case "-W" -> wait = Double.parseDouble(args.get(++i));
                    default -> {
                        if (args.get(i).startsWith("-") || address != null) {
                            return notSimulated(argv);
                        }
                        address = args.get(i);
                    }
                }
            }
        } catch (RuntimeException e) {
            return new Answer(
                    2,
                    "",
                    "ping: invalid argument in '" + io.vigil.events.Name.printable(String.join(" ", args)) + "'\n");
        }
        if (address == null || count < 1) {
            return new Answer(2, "", "ping: usage error: Destination address required\n");
        }
        Optional<double[]> rtts = host.pair.pingRoundTrips(host, address, count);
        PingText.Output out = rtts.isPresent()
                ? PingText.answered(address, count, interval, rtts.get())
                : PingText.lost(address, count, interval, wait);
        return new Answer(out.exitCode(), out.stdout(), "");
    }
}
