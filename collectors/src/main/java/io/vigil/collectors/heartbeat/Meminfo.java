package io.vigil.collectors.heartbeat;

import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.Name;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two figures of /proc/meminfo the heartbeat carries, in bytes. MemAvailable (Linux 3.14+) is
 * the kernel's own estimate of what can be allocated without swapping, which is what a failover
 * asks when it plans where VMs fit; MemFree alone undercounts (page cache is reclaimable).
 */
public record Meminfo(long totalBytes, long availableBytes) {
    private static final Pattern FIELD = Pattern.compile("(MemTotal|MemAvailable):\\s*(\\S+)(?:\\s+(\\S+))?\\s*");

    /** Reads the text of /proc/meminfo; {@code source} names it in errors ("/proc/meminfo"). */
    public static Meminfo parse(String source, String text) throws ProbeException {
        long total = -1;
        long available = -1;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.startsWith("MemTotal:") && !line.startsWith("MemAvailable:")) {
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (!m.matches() || !"kB".equals(m.group(3)) || !m.group(2).matches("\\d{1,15}")) {
                throw new ProbeException(
                        source + ":" + (i + 1) + ": '" + Name.printable(line) + "' is not '<field>: <number> kB'");
            }
            long bytes = Long.parseLong(m.group(2)) * 1024;
            if (m.group(1).equals("MemTotal")) {
                total = bytes;
            } else {
                available = bytes;
            }
        }
        if (total < 0 || available < 0) {
            throw new ProbeException(source + ": no " + (total < 0 ? "MemTotal" : "MemAvailable")
                    + " line (is this /proc/meminfo of Linux 3.14 or later?)");
        }
        return new Meminfo(total, available);
    }
}
