package io.vigil.sim;

import io.vigil.events.VmState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * virsh's text for {@code list --all} and {@code dominfo}, as libvirt's virsh prints it for a
 * qemu:///system host. The table layout and the dominfo labels were compared with the real virsh
 * against libvirt's test driver here; where the test driver differs from qemu (OS Type "linux",
 * a CPU time even for a stopped domain, its "testSecurity" model) this prints what qemu reports.
 */
final class VirshText {
    private VirshText() {}

    static String stateWord(VmState state) {
        return switch (state) {
            case SHUT_OFF -> "shut off";
            case IN_SHUTDOWN -> "in shutdown";
            default -> state.wire();
        };
    }

    /** Running domains by id, then inactive ones by name, as virsh sorts them. */
    static String list(List<SimVm> vms) {
        List<SimVm> sorted = new ArrayList<>(vms);
        sorted.sort(Comparator.<SimVm, Boolean>comparing(vm -> vm.id < 0)
                .thenComparingInt(vm -> vm.id)
                .thenComparing(vm -> vm.name.toLowerCase(Locale.ROOT)));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Id", "Name", "State"});
        for (SimVm vm : sorted) {
            rows.add(new String[] {vm.id < 0 ? "-" : Integer.toString(vm.id), vm.name, stateWord(vm.state)});
        }
        int[] widths = new int[3];
        for (String[] row : rows) {
            for (int i = 0; i < 3; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        int total = 0;
        for (int w : widths) {
            total += 1 + w + 2; // virsh's table: a space before each cell, two after
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                line.append(' ').append(pad(rows.get(r)[i], widths[i])).append("  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                out.append("-".repeat(total)).append('\n');
            }
        }
        out.append('\n');
        return out.toString();
    }

    static String dominfo(SimVm vm) {
        StringBuilder out = new StringBuilder();
        line(out, "Id:", vm.id < 0 ? "-" : Integer.toString(vm.id));
        line(out, "Name:", vm.name);
        line(out, "UUID:", vm.uuid);
        line(out, "OS Type:", "hvm");
        line(out, "State:", stateWord(vm.state));
        line(out, "CPU(s):", Integer.toString(vm.vcpus));
        if (vm.running()) { // virsh leaves the line out when the CPU time is 0 (a stopped qemu domain)
            line(out, "CPU time:", String.format(Locale.ROOT, "%.1fs", vm.cpuSeconds));
        }
        line(out, "Max memory:", vm.maxMemoryKiB + " KiB");
        line(out, "Used memory:", vm.memoryKiB + " KiB");
        line(out, "Persistent:", "yes");
        line(out, "Autostart:", "disable");
        line(out, "Managed save:", "no");
        line(out, "Security model:", "apparmor");
        line(out, "Security DOI:", "0");
        if (vm.running()) {
            line(out, "Security label:", "libvirt-" + vm.uuid + " (enforcing)");
        }
        out.append('\n');
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(pad(label, 15)).append(' ').append(value).append('\n');
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
