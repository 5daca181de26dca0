package io.vigil.history.query;

/**
 * The figures the sync-latency question sums up per step: replication latency (round trip,
 * oldest request in flight) and replication lag (out-of-sync bytes while lagging, the estimated
 * seconds to catch up). {@link #column} names the raw column and the rollups' {@code figure};
 * {@link #rawValue} is what a raw row contributes (out-of-sync bytes only while the row is lagging:
 * DRBD's residual count while both sides are UpToDate is recorded but is not lag).
 */
public enum LatencyFigure {
    ROUND_TRIP("roundTripSeconds", "round_trip_seconds", "round_trip_seconds", "s"),
    OLDEST_REQUEST("oldestRequestSeconds", "oldest_request_seconds", "oldest_request_seconds", "s"),
    OUT_OF_SYNC("outOfSyncBytes", "out_of_sync_bytes", "CASE WHEN lagging THEN out_of_sync_bytes END", "bytes"),
    RESYNC_ETA("resyncEtaSeconds", "resync_eta_seconds", "resync_eta_seconds", "s");

    private final String wire;
    private final String column;
    private final String rawValue;
    private final String unit;

    LatencyFigure(String wire, String column, String rawValue, String unit) {
        this.wire = wire;
        this.column = column;
        this.rawValue = rawValue;
        this.unit = unit;
    }

    /** Its name in JSON and on the command line. */
    public String wire() {
        return wire;
    }

    /** The column of replication_samples, and the {@code figure} of replication_rollups. */
    public String column() {
        return column;
    }

    String rawValue() {
        return rawValue;
    }

    /** "s" or "bytes", for axes and headers. */
    public String unit() {
        return unit;
    }

    public static LatencyFigure of(String wire) {
        for (LatencyFigure f : values()) {
            if (f.wire.equals(wire) || f.column.equals(wire)) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + io.vigil.events.Name.printable(wire)
                + "' is not a figure (roundTripSeconds," + " oldestRequestSeconds, outOfSyncBytes, resyncEtaSeconds)");
    }
}
