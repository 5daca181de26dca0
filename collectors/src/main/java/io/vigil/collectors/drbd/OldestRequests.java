package io.vigil.collectors.drbd;

import java.util.Optional;

/**
 * Reads DRBD 9's debugfs file {@code resources/<res>/connections/<conn>/oldest_requests}: a
 * version line ({@code v: 0}), a blank line, then up to three requests towards that peer (the
 * next to send, the oldest waiting for its ack, the oldest not yet done on the network), one per
 * line, tab-separated: minor, volume, epoch, sector, size (sectors), R/W, then the age of the
 * request in ms since it entered DRBD (followed by timing columns, when the kernel was built with
 * timing statistics, and the state flags). The figure is the largest age, in seconds; a file with
 * no request lines means nothing is in flight, which reads as 0.
 */
final class OldestRequests {
    private static final int AGE_COLUMN = 6;

    private OldestRequests() {}

    /** The age of the oldest request in flight, or empty when the file is not in a format this reader knows. */
    static Optional<Double> oldestAgeSeconds(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("v: ")) {
            return Optional.empty();
        }
        if (!lines[0].trim().equals("v: 0")) {
            return Optional.empty(); // a new layout: better no figure than a wrong one
        }
        long oldestMs = 0;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] columns = lines[i].split("\t");
            if (columns.length <= AGE_COLUMN || !columns[AGE_COLUMN].matches("\\d{1,10}")) {
                return Optional.empty();
            }
            oldestMs = Math.max(oldestMs, Long.parseLong(columns[AGE_COLUMN]));
        }
        return Optional.of(oldestMs / 1000.0);
    }
}
