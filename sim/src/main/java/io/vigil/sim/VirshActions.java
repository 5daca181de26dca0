package io.vigil.sim;

import io.vigil.events.Name;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * virsh's state-changing commands as the failover executor runs them ({@code -c URI} before them
 * or not): {@code start VM}, {@code shutdown VM}, {@code destroy VM}, {@code setmem VM KIB --live} (the running guest's balloon), {@code setmem VM KIB --config} (the memory
 * it boots with next, running or not),
 * {@code migrate --live VM DEST} and {@code domstate VM}. Success and refusal texts are virsh's
 * (tools/virsh-domain.c: "Domain 'web' started", "error: Domain is already active", the qemu
 * driver's "Requested operation is not valid: domain is not running", "invalid argument: cannot set
 * memory higher than max memory", "operation failed: job 'migration out' failed: ..."); exit 1 on
 * any failure, as virsh does, and virsh's empty line on stdout after each command. Compared with
 * virsh 9.0.0 on libvirt's test driver where that driver behaves as qemu's does (start of an active
 * domain, setmem above max memory, destroy/setmem of a stopped one, domstate, an unknown migration
 * host). Called under the pair's lock.
 */
final class VirshActions {
    private VirshActions() {}

    /** The answer, or empty when {@code args} (after -c URI) is no action this class reads. */
    static Optional<ToolAnswers.Answer> answer(SimulatedHost host, List<String> argv, List<String> args) {
        if (args.size() == 2
                && List.of("start", "shutdown", "destroy", "domstate").contains(args.get(0))) {
            String vm = args.get(1);
            if (!host.definesVm(vm)) {
                return Optional.of(noDomain(vm));
            }
            return Optional.of(
                    switch (args.get(0)) {
                        case "start" -> act(vm, "start", () -> host.startVm(vm), "Domain '" + vm + "' started\n\n");
                        case "shutdown" ->
                            act(
                                    vm,
                                    "shutdown",
                                    () -> host.requestShutdown(vm),
                                    "Domain '" + vm + "' is being shutdown\n\n");
                        case "destroy" ->
                            act(vm, "destroy", () -> host.destroyVm(vm), "Domain '" + vm + "' destroyed\n\n");
                        default -> ToolAnswers.Answer.ok(VirshText.stateWord(host.vms.get(vm).state) + "\n\n");
                    });
        }
        if (args.size() == 4
                && args.get(0).equals("setmem")
                && List.of("--live", "--config").contains(args.get(3))) {
            String vm = args.get(1);
            if (!host.definesVm(vm)) {
                return Optional.of(noDomain(vm));
            }
            long kib;
            try {
                kib = Long.parseLong(args.get(2));
            } catch (NumberFormatException e) {
                return Optional.of(fail("error: Numeric value '" + Name.printable(args.get(2))
                        + "' for <size> option is malformed or out of range\n"));
            }
            return Optional.of(act(
                    vm,
                    "setmem",
                    args.get(3).equals("--live")
                            ? () -> host.setVmMemoryLive(vm, kib)
                            : () -> host.setVmBootMemory(vm, kib),
                    "\n"));
        }
        if (args.size() == 4 && args.get(0).equals("migrate") && args.get(1).equals("--live")) {
            String vm = args.get(2);
            if (!host.definesVm(vm)) {
                return Optional.of(noDomain(vm));
            }
            Optional<SimulatedHost> destination = destination(host, args.get(3));
            if (destination.isEmpty()) {
                return Optional.of(fail("error: Cannot recv data: ssh: Could not resolve hostname "
                        + Name.printable(hostOf(args.get(3)))
                        + ": Name or service not known: Connection reset by peer\n"));
            }
            return Optional.of(act(vm, "migrate", () -> host.migrateVm(vm, destination.get()), "\n"));
        }
        return Optional.empty();
    }

    /** The host a libvirt URI names: qemu+ssh://[user@]node-b[:port]/system gives node-b. */
    static String hostOf(String uri) {
        int scheme = uri.indexOf("://");
        String rest = scheme < 0 ? uri : uri.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        authority = authority.substring(authority.indexOf('@') + 1);
        int colon = authority.indexOf(':');
        return (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    private static Optional<SimulatedHost> destination(SimulatedHost host, String uri) {
        return host.pair.host(hostOf(uri));
    }

    private static ToolAnswers.Answer act(String vm, String verb, Runnable action, String done) {
        try {
            action.run();
            return ToolAnswers.Answer.ok(done);
        } catch (VmRefusal refusal) {
            return fail(refusalText(vm, verb, refusal));
        }
    }

    private static String refusalText(String vm, String verb, VmRefusal refusal) {
        String failed = switch (verb) {
            case "start" -> "error: Failed to start domain '" + vm + "'\n";
            case "shutdown" -> "error: Failed to shutdown domain '" + vm + "'\n";
            case "destroy" -> "error: Failed to destroy domain '" + vm + "'\n";
            default -> "";
        };
        return switch (refusal.reason) {
            // virsh start checks the domain id itself and says so without the "Failed to start" line
            case ALREADY_RUNNING -> "error: Domain is already active\n";
            case NOT_RUNNING -> failed + "error: Requested operation is not valid: domain is not running\n";
            case DISK_NOT_PRIMARY ->
                failed + "error: internal error: QEMU unexpectedly closed the monitor (vm='" + vm
                        + "'): qemu-system-x86_64: -blockdev {\"driver\":\"host_device\",\"filename\":\""
                        + refusal.getMessage().split(":")[0]
                        + "\",\"node-name\":\"libvirt-1-storage\"}: Could not open '"
                        + refusal.getMessage().split(":")[0] + "': Wrong medium type\n";
            case HOST_MEMORY ->
                verb.equals("setmem")
                        ? "error: operation failed: " + refusal.getMessage()
                                + " (the lab refuses a balloon that overcommits the host)\n"
                        : failed + "error: internal error: QEMU unexpectedly closed the monitor (vm='" + vm
                                + "'): qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory\n";
            case ABOVE_MAX_MEMORY -> "error: invalid argument: cannot set memory higher than max memory\n";
            case DESTINATION_UNREACHABLE ->
                "error: Cannot recv data: ssh: connect to host "
                        + refusal.getMessage().split(" ")[0] + " port 22: No route to host: Connection reset by peer\n";
            case SAME_HOST -> "error: internal error: Attempt to migrate guest to the same host\n";
            case MIGRATION_BROKE ->
                "error: operation failed: job 'migration out' failed: Channel error: Input/output error\n";
            case RUNS_ELSEWHERE -> failed + "error: lab invariant: " + refusal.getMessage() + "\n";
        };
    }

    private static ToolAnswers.Answer noDomain(String vm) {
        return fail("error: failed to get domain '" + Name.printable(vm) + "'\n");
    }

    /** virsh ends a failed command with an empty line on stdout, as after every command. */
    private static ToolAnswers.Answer fail(String stderr) {
        return new ToolAnswers.Answer(1, "\n", stderr);
    }
}
