package io.vigil.sim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A thin pool in one of a host's volume groups, with its thin volumes, as {@code lvcreate --type
 * thin-pool} and {@code lvcreate -V -T} leave them: in the VG it takes its data, its metadata and
 * the spare metadata LVM keeps for repairs ({@code lvol0_pmspare}, as large as the metadata); lvs
 * lists the pool and its thin volumes (the hidden parts only with -a). Mutable, guarded by the
 * pair's lock.
 */
final class SimThinPool {
    /** LVM's default extent */
    static final long EXTENT_BYTES = 4L << 20;
    /** lvcreate's default chunk for a pool of this size */
    private static final long CHUNK_BYTES = 64L << 10;

    final String vg;
    final String name;
    final long dataBytes;
    final long metadataBytes;
    /** thin volume name to its virtual size and the bytes of the pool it has written */
    final Map<String, long[]> volumes = new LinkedHashMap<>();

    SimThinPool(String vg, String name, long dataBytes, long metadataBytes) {
        if (dataBytes % EXTENT_BYTES != 0
                || metadataBytes % EXTENT_BYTES != 0
                || dataBytes <= 0
                || metadataBytes <= 0) {
            throw new IllegalArgumentException(
                    "thin pool " + vg + "/" + name + ": data and metadata must be whole 4 MiB extents");
        }
        this.vg = vg;
        this.name = name;
        this.dataBytes = dataBytes;
        this.metadataBytes = metadataBytes;
    }

    /** A thin volume of {@code virtualBytes} that has written {@code usedBytes} (whole chunks) into the pool. */
    SimThinPool thin(String volume, long virtualBytes, long usedBytes) {
        if (usedBytes > virtualBytes || usedBytes + usedBytes() > dataBytes) {
            throw new IllegalArgumentException(
                    "thin volume " + vg + "/" + volume + ": " + usedBytes + " bytes do not fit in " + name);
        }
        volumes.put(volume, new long[] {virtualBytes, usedBytes});
        return this;
    }

    /** What the pool takes from its VG: data, metadata and the spare metadata. */
    long takenBytes() {
        return dataBytes + 2 * metadataBytes;
    }

    long usedBytes() {
        return volumes.values().stream().mapToLong(v -> v[1]).sum();
    }

    /** The pool's data use as lvs prints it: percent, two decimals. */
    String dataPercent() {
        return percent(usedBytes(), dataBytes);
    }

    /**
     * The pool's metadata use: the lab reckons 4 MiB for the superblock and space maps and 16 bytes
     * of mapping per chunk written.
     */
    String metadataPercent() {
        return percent((4L << 20) + usedBytes() / CHUNK_BYTES * 16, metadataBytes);
    }

    String volumeDataPercent(String volume) {
        long[] v = volumes.get(volume);
        return percent(v[1], v[0]);
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f", 100.0 * part / whole);
    }
}
