package io.vigil.history;

/**
 * The tables the sink appends rows to, in {@link HistorySchema}'s column order. A row is an
 * {@code Object[]} of String, Integer, Long, Double, Boolean or null (unknown).
 */
public enum HistoryTable {
    REPLICATION_SAMPLES("replication_samples", 19),
    DRBD_STATE_CHANGES("drbd_state_changes", 13),
    ALERT_CHANGES("alert_changes", 12),
    FAILOVER_AUDIT("failover_audit", 8);

    private final String table;
    private final int columns;

    HistoryTable(String table, int columns) {
        this.table = table;
        this.columns = columns;
    }

    /** The table's name in SQL, and the {@code table} label of the rows-written metric. */
    public String table() {
        return table;
    }

    public int columns() {
        return columns;
    }

    String insert() {
        return "INSERT INTO " + table + " VALUES (" + "?, ".repeat(columns - 1) + "?)";
    }
}
