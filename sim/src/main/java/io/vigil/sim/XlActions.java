package io.vigil.sim;

import io.vigil.events.Name;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Xen's xl as the failover executor runs it: {@code mem-set VM SIZE}, {@code migrate VM HOST},
 * {@code shutdown VM}, {@code destroy VM}, {@code create /etc/xen/VM.cfg [memory=MiB]} and {@code list VM}, with
 * the same semantics as the virsh ones. The wording follows xl's sources where known ("VM is an
 * invalid domain identifier (rc=-6)", "Parsing config from ...", "failed to free memory for the
 * domain", "Migration failed, resuming at sender."); the libxl error lines are shortened (no file
 * and line numbers). Not compared with a real xl: Xen does not run here. Exit 1 on failure.
 */
final class XlActions {
    private XlActions() {}

    static Optional<ToolAnswers.Answer> answer(SimulatedHost host, List<String> argv) {
        List<String> args = argv.subList(1, argv.size());
        if ((args.size() == 2 || args.size() == 3 && args.get(2).startsWith("memory="))
                && args.get(0).equals("create")) {
            String file = args.get(1);
            String vm =
                    file.startsWith("/etc/xen/") && file.endsWith(".cfg") ? file.substring(9, file.length() - 4) : "";
            if (!host.definesVm(vm)) {
                return Optional.of(
                        fail("Failed to read config file: " + Name.printable(file) + ": No such file or directory\n"));
            }
            // memory=MiB after the file overrides the file's memory for this domain; the file stays as it is
            Optional<Long> boot = Optional.empty();
            if (args.size() == 3) {
                String mib = args.get(2).substring("memory=".length());
                if (!mib.matches("[0-9]{1,12}")) {
                    return Optional.of(fail("Parsing config from " + file + "\nInvalid parameter `memory'.\n"));
                }
                boot = Optional.of(Long.parseLong(mib) * 1024);
            }
            Optional<Long> bootKiB = boot;
            return Optional.of(act(host, vm, () -> host.startVm(vm, bootKiB), "Parsing config from " + file + "\n"));
        }
        if (args.size() == 2 && List.of("shutdown", "destroy", "list").contains(args.get(0))) {
            String vm = args.get(1);
            if (!host.definesVm(vm) || !host.vms.get(vm).running()) {
                return Optional.of(invalidDomain(vm));
            }
            return Optional.of(
                    switch (args.get(0)) {
                        case "shutdown" -> {
                            int id = host.vms.get(vm).id;
                            yield act(host, vm, () -> host.requestShutdown(vm), "Shutting down domain " + id + "\n");
                        }
                        case "destroy" -> act(host, vm, () -> host.destroyVm(vm), "");
                        default -> ToolAnswers.Answer.ok(XlText.one(host.vms.get(vm)));
                    });
        }
        if (args.size() == 3 && args.get(0).equals("mem-set")) {
            String vm = args.get(1);
            if (!host.definesVm(vm) || !host.vms.get(vm).running()) {
                return Optional.of(invalidDomain(vm));
            }
            Optional<Long> kib = kibOf(args.get(2));
            if (kib.isEmpty()) {
                return Optional.of(fail("invalid memory size: " + Name.printable(args.get(2)) + "\n"));
            }
            return Optional.of(act(host, vm, () -> host.setVmMemoryLive(vm, kib.get()), ""));
        }
        if (args.size() == 3 && args.get(0).equals("migrate")) {
            String vm = args.get(1);
            if (!host.definesVm(vm) || !host.vms.get(vm).running()) {
                return Optional.of(invalidDomain(vm));
            }
            Optional<SimulatedHost> destination = host.pair.host(args.get(2).toLowerCase(Locale.ROOT));
            if (destination.isEmpty()) {
                return Optional.of(fail("ssh: Could not resolve hostname " + Name.printable(args.get(2))
                        + ": Name or service not known\n"
                        + "migration sender: Target has not acknowledged transfer.\n"));
            }
            return Optional.of(act(
                    host,
                    vm,
                    () -> host.migrateVm(vm, destination.get()),
                    "migration target: Ready to receive domain.\nmigration sender: Target has acknowledged transfer.\n"
                            + "migration target: Domain started successsfully.\nMigration successful.\n"));
        }
        return Optional.empty();
    }

    /** xl's sizes: a number with an optional unit, k, m (the default), g or t. */
    static Optional<Long> kibOf(String size) {
        String s = size.toLowerCase(Locale.ROOT);
        long unit = 1024;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        if ("kmgt".indexOf(last) >= 0) {
            unit = switch (last) {
                case 'k' -> 1;
                case 'm' -> 1024;
                case 'g' -> 1024 * 1024;
                default -> 1024L * 1024 * 1024;
            };
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s);
            return n > 0 && n <= Long.MAX_VALUE / unit ? Optional.of(n * unit) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static ToolAnswers.Answer act(SimulatedHost host, String vm, Runnable action, String done) {
        try {
            action.run();
            return new ToolAnswers.Answer(0, "", done);
        } catch (VmRefusal refusal) {
            return fail(refusalText(host, vm, refusal));
        }
    }

    private static String refusalText(SimulatedHost host, String vm, VmRefusal refusal) {
        return switch (refusal.reason) {
            case ALREADY_RUNNING ->
                "Parsing config from /etc/xen/" + vm + ".cfg\nlibxl: error: libxl_create.c: Domain with name \"" + vm
                        + "\" already exists.\n";
            case NOT_RUNNING -> vm + " is an invalid domain identifier (rc=-6)\n";
            case DISK_NOT_PRIMARY ->
                "libxl: error: libxl_device.c: " + refusal.getMessage() + "\n"
                        + "libxl: error: libxl_create.c: Domain " + vm + ":unable to add disk devices\n"
                        + (refusal.getMessage().contains("on " + host.name())
                                ? ""
                                : "Migration failed, resuming at sender.\n");
            case HOST_MEMORY ->
                refusal.getMessage().contains("overcommits")
                        ? "libxl: error: libxl_mem.c: " + refusal.getMessage()
                                + " (the lab refuses a balloon that overcommits the host)\n"
                        : "failed to free memory for the domain\n";
            case ABOVE_MAX_MEMORY ->
                "libxl: error: libxl_mem.c: memory_dynamic_max must be less than or equal to memory_static_max\n";
            case DESTINATION_UNREACHABLE ->
                "ssh: connect to host " + refusal.getMessage().split(" ")[0] + " port 22: No route to host\n"
                        + "migration sender: Target has not acknowledged transfer.\n";
            case SAME_HOST ->
                "migration target: Domain with name \"" + vm
                        + "\" already exists.\nMigration failed, resuming at sender.\n";
            case MIGRATION_BROKE ->
                "migration sender: libxl_domain_suspend failed (rc=-3)\nMigration failed, resuming at sender.\n";
            case RUNS_ELSEWHERE -> "libxl: error: lab invariant: " + refusal.getMessage() + "\n";
        };
    }

    private static ToolAnswers.Answer invalidDomain(String vm) {
        return fail(Name.printable(vm) + " is an invalid domain identifier (rc=-6)\n");
    }

    private static ToolAnswers.Answer fail(String stderr) {
        return new ToolAnswers.Answer(1, "", stderr);
    }
}
