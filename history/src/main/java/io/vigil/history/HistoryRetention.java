package io.vigil.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Rolls raw replication samples up into one-minute and hourly buckets and deletes what has
 * outlived its retention, a bounded amount per run so that the sink never stalls behind it.
 *
 * <p>Each rollup row keeps, per figure, the count, min, max, sum and the 50th, 95th and 99th
 * percentiles of the raw values in its bucket. Both resolutions are computed from the raw rows
 * (quantiles of quantiles would be wrong), which the raw retention keeps long after an hour has
 * closed. A bucket is rolled up once it closed {@link #LATE} ago; a sample arriving later than
 * that is kept raw but not in the rollup. {@code out_of_sync_bytes} is rolled up from lagging
 * samples only: DRBD's residual count is not lag.
 */
public final class HistoryRetention {
    static final long LATE_MS = 60_000;
    /** Buckets rolled up per resolution per run. */
    static final int BUCKETS_PER_RUN = 60;
    /** Raw rows are deleted at most a day's worth per run. */
    static final long DELETE_SPAN_MS = 86_400_000L;

    static final List<String> FIGURES =
            List.of("round_trip_seconds", "oldest_request_seconds", "out_of_sync_bytes", "resync_eta_seconds");

    private final HistoryStore store;
    private final HistoryConfig.Retention retention;

    public HistoryRetention(HistoryStore store, HistoryConfig.Retention retention) {
        this.store = store;
        this.retention = retention;
    }

    /** One run at {@code nowMs}: rolls up closed buckets, then deletes expired rows; commits. */
    public void run(long nowMs) throws SQLException {
        Connection db = store.connection();
        try {
            long minutesDone = rollUp(db, 60, nowMs);
            long hoursDone = rollUp(db, 3600, nowMs);
            // never a raw row that a rollup still has to read, however long the sink was down
            expire(
                    db,
                    "replication_samples",
                    "ts_ms",
                    Math.min(nowMs - retention.raw().toMillis(), Math.min(minutesDone, hoursDone)));
            expireRollups(db, 60, nowMs - retention.minute().toMillis());
            expireRollups(db, 3600, nowMs - retention.hourly().toMillis());
            long kept = nowMs - retention.hourly().toMillis();
            expire(db, "drbd_state_changes", "ts_ms", kept);
            expire(db, "alert_changes", "sent_ms", kept);
            expire(db, "failover_audit", "at_ms", kept);
            try (PreparedStatement s = db.prepareStatement("DELETE FROM resync_episodes WHERE ended_ms < ?")) {
                s.setLong(1, kept);
                s.executeUpdate();
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    /** Rolls up the closed buckets of one resolution; returns the start of the first bucket not yet rolled up. */
    private long rollUp(Connection db, int seconds, long nowMs) throws SQLException {
        long width = seconds * 1000L;
        long from = next(db, seconds, width);
        if (from < 0) {
            return Long.MAX_VALUE;
        }
        long closed = Math.floorDiv(nowMs - LATE_MS, width) * width;
        long to = Math.min(closed, from + BUCKETS_PER_RUN * width);
        if (to <= from) {
            return from;
        }
        SqlDialect d = store.dialect();
        for (String figure : FIGURES) {
            String where = figure.equals("out_of_sync_bytes") ? " AND lagging" : "";
            String value = "CAST(" + figure + " AS FLOAT8)";
            String sql = "INSERT INTO replication_rollups SELECT " + seconds + ", ts_ms - ((ts_ms % " + width + ") + "
                    + width + ") % " + width
                    + ", cluster, node, resource, volume, peer, '" + figure + "', count(*), min(" + value + "), max("
                    + value + "), sum("
                    + value + "), " + d.quantile(0.5, value) + ", " + d.quantile(0.95, value) + ", "
                    + d.quantile(0.99, value)
                    + " FROM replication_samples WHERE ts_ms >= ? AND ts_ms < ? AND " + figure + " IS NOT NULL" + where
                    + " GROUP BY 2, cluster, node, resource, volume, peer";
            try (PreparedStatement s = db.prepareStatement(sql)) {
                s.setLong(1, from);
                s.setLong(2, to);
                s.executeUpdate();
            }
        }
        try (PreparedStatement s =
                db.prepareStatement("INSERT INTO rollup_marks VALUES (?, ?) ON CONFLICT (resolution_seconds)"
                        + " DO UPDATE SET next_bucket_ms = EXCLUDED.next_bucket_ms")) {
            s.setInt(1, seconds);
            s.setLong(2, to);
            s.executeUpdate();
        }
        return to;
    }

    /** Where the next rollup of a resolution starts: after its mark, else at the oldest raw sample's bucket; -1 when none. */
    private static long next(Connection db, int seconds, long width) throws SQLException {
        try (PreparedStatement s =
                db.prepareStatement("SELECT next_bucket_ms FROM rollup_marks WHERE resolution_seconds = ?")) {
            s.setInt(1, seconds);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (var s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(ts_ms) FROM replication_samples")) {
            rs.next();
            long oldest = rs.getLong(1);
            return rs.wasNull() ? -1 : Math.floorDiv(oldest, width) * width;
        }
    }

    private static void expire(Connection db, String table, String column, long beforeMs) throws SQLException {
        long oldest;
        try (var s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(" + column + ") FROM " + table)) {
            rs.next();
            oldest = rs.getLong(1);
            if (rs.wasNull() || oldest >= beforeMs) {
                return;
            }
        }
        try (PreparedStatement s = db.prepareStatement("DELETE FROM " + table + " WHERE " + column + " < ?")) {
            s.setLong(1, Math.min(beforeMs, oldest + DELETE_SPAN_MS));
            s.executeUpdate();
        }
    }

    private static void expireRollups(Connection db, int seconds, long beforeMs) throws SQLException {
        try (PreparedStatement s =
                db.prepareStatement("DELETE FROM replication_rollups WHERE resolution_seconds = ? AND bucket_ms < ?")) {
            s.setInt(1, seconds);
            s.setLong(2, beforeMs);
            s.executeUpdate();
        }
    }
}
