package io.vigil.sim;

import java.util.Locale;

/**
 * iputils ping's quiet summary ({@code ping -n -q -c N -i I -W W ADDR}), laid out as the real ping
 * printed it here for 127.0.0.1 (answered) and an unreachable address (exit status 1).
 */
final class PingText {
    private PingText() {}

    record Output(String stdout, int exitCode) {}

    static Output answered(String address, int count, double intervalSeconds, double[] rttMillis) {
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        double sumSquares = 0;
        for (double rtt : rttMillis) {
            min = Math.min(min, rtt);
            max = Math.max(max, rtt);
            sum += rtt;
            sumSquares += rtt * rtt;
        }
        double avg = sum / rttMillis.length;
        double mdev = Math.sqrt(Math.max(0, sumSquares / rttMillis.length - avg * avg));
        String out = header(address)
                + String.format(
                        Locale.ROOT,
                        "%d packets transmitted, %d received, 0%% packet loss, time %dms%n",
                        count,
                        count,
                        elapsedMillis(count, intervalSeconds))
                + String.format(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms%n", min, avg, max, mdev);
        return new Output(out.replace(System.lineSeparator(), "\n"), 0);
    }

    static Output lost(String address, int count, double intervalSeconds, double waitSeconds) {
        long time = elapsedMillis(count, intervalSeconds) + (long) (waitSeconds * 1000) - 200;
        String out = header(address)
                + String.format(
                        Locale.ROOT,
                        "%d packets transmitted, 0 received, 100%% packet loss, time %dms%n%n",
                        count,
                        time);
        return new Output(out.replace(System.lineSeparator(), "\n"), 1);
    }

    private static String header(String address) {
        return "PING " + address + " (" + address + ") 56(84) bytes of data.\n\n--- " + address
                + " ping statistics ---\n";
    }

    private static long elapsedMillis(int count, double intervalSeconds) {
        return Math.round((count - 1) * intervalSeconds * 1000) + 3;
    }
}
