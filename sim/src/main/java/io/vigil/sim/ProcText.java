package io.vigil.sim;

/** Kernel files of a simulated host: /proc/meminfo (kernel layout: label padded to 16, value to 8) and DRBD 9's /proc/drbd. */
final class ProcText {
    private ProcText() {}

    static String meminfo(long totalKiB, long availableKiB) {
        long cached = Math.min(availableKiB / 2, 2_097_152);
        long free = Math.max(0, availableKiB - cached);
        StringBuilder out = new StringBuilder();
        kb(out, "MemTotal:", totalKiB);
        kb(out, "MemFree:", free);
        kb(out, "MemAvailable:", availableKiB);
        kb(out, "Buffers:", 102_400);
        kb(out, "Cached:", cached);
        kb(out, "SwapCached:", 0);
        kb(out, "Active:", (totalKiB - availableKiB) / 2);
        kb(out, "Inactive:", cached / 2);
        kb(out, "SwapTotal:", 4_194_300);
        kb(out, "SwapFree:", 4_194_300);
        kb(out, "Dirty:", 1_204);
        kb(out, "Writeback:", 0);
        kb(out, "AnonPages:", totalKiB - availableKiB);
        kb(out, "Shmem:", 18_432);
        kb(out, "Committed_AS:", totalKiB - availableKiB + 1_048_576);
        out.append("HugePages_Total:       0\n");
        out.append("HugePages_Free:        0\n");
        kb(out, "Hugepagesize:", 2048);
        return out.toString();
    }

    /** DRBD 9 moved the state out of /proc/drbd; only the version lines remain. */
    static String procDrbd() {
        return "version: 9.2.12 (api:2/proto:86-122)\n"
                + "GIT-hash: 7c6bd2a4c1b5e2cd7e7cb1e33f0b7c3b2e7a9d51 build by lab@vigil, 2026-11-01 10:00:00\n"
                + "Transports (api:21): tcp (9.2.12)\n";
    }

    private static void kb(StringBuilder out, String label, long value) {
        out.append(label).append(" ".repeat(Math.max(0, 16 - label.length())));
        String number = Long.toString(value);
        out.append(" ".repeat(Math.max(0, 8 - number.length()))).append(number).append(" kB\n");
    }
}
