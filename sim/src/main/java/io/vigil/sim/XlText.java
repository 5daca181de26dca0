package io.vigil.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code xl list} as Xen's xl prints it (format from xl(1)'s list_domains: a fixed header with
 * tabs, then "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f" a domain). Xen lists only domains that
 * exist, so stopped VMs are absent; Domain-0 comes first. Not compared with a real xl: Xen does
 * not run here.
 */
final class XlText {
    private XlText() {}

    static String list(List<SimVm> vms, long dom0MemoryMiB, double dom0CpuSeconds) {
        StringBuilder out =
                new StringBuilder("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
        row(out, "Domain-0", 0, dom0MemoryMiB, 2, "r-----", dom0CpuSeconds);
        List<SimVm> running =
                new ArrayList<>(vms.stream().filter(SimVm::running).toList());
        running.sort(Comparator.comparingInt(vm -> vm.id));
        for (SimVm vm : running) {
            row(out, vm.name, vm.id, vm.memoryKiB / 1024, vm.vcpus, "-b----", vm.cpuSeconds);
        }
        return out.toString();
    }

    /** {@code xl list VM} of a running domain: the header and its row. */
    static String one(SimVm vm) {
        StringBuilder out =
                new StringBuilder("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
        row(out, vm.name, vm.id, vm.memoryKiB / 1024, vm.vcpus, "-b----", vm.cpuSeconds);
        return out.toString();
    }

    private static void row(
            StringBuilder out, String name, int id, long memMiB, int vcpus, String state, double seconds) {
        out.append(
                String.format(Locale.ROOT, "%-40s %5d %5d %5d     %s  %8.1f%n", name, id, memMiB, vcpus, state, seconds)
                        .replace(System.lineSeparator(), "\n"));
    }
}
