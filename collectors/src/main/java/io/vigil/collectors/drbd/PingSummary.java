package io.vigil.collectors.drbd;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The average round-trip time from the summary that {@code ping -q} prints last:
 * iputils {@code rtt min/avg/max/mdev = 0.026/0.087/0.140/0.047 ms}, or busybox
 * {@code round-trip min/avg/max = 0.026/0.087/0.140 ms}. Empty when no reply came back (the
 * summary then has no rtt line).
 */
final class PingSummary {
    private static final Pattern RTT = Pattern.compile(
            "^(?:rtt|round-trip) min/avg/max(?:/[a-z]+)? = ([0-9.]+)/([0-9.]+)/([0-9.]+)(?:/[0-9.]+)? (ms|us|s)\\s*$",
            Pattern.MULTILINE);

    private PingSummary() {}

    static Optional<Double> averageSeconds(String pingOutput) {
        Matcher m = RTT.matcher(pingOutput);
        if (!m.find()) {
            return Optional.empty();
        }
        double avg = Double.parseDouble(m.group(2));
        return Optional.of(
                switch (m.group(4)) {
                    case "us" -> avg / 1_000_000.0;
                    case "s" -> avg;
                    default -> avg / 1000.0;
                });
    }
}
