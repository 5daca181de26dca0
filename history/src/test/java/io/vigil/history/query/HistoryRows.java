package io.vigil.history.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Rows written into a test history with plain SQL, as the sink would write them; NULL where a figure is unknown. */
final class HistoryRows {
    private final HistoryDatabase db;
    private long seq;

    HistoryRows(HistoryDatabase db) {
        this.db = db;
    }

    /** A replication sample of {@code resource} on node-a towards {@code peer}. */
    HistoryRows sample(
            String cluster,
            String resource,
            String peer,
            long tsMs,
            Double roundTrip,
            Double oldestRequest,
            Long outOfSync,
            boolean lagging,
            Double eta)
            throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO replication_samples VALUES (?, 'node-a', ?, ?, ?, 0, ?, 'Primary', 'UpToDate', 'Connected', 'Established',"
                                + " 'UpToDate', ?, ?, ?, ?, NULL, ?, NULL)")) {
            s.setString(1, cluster);
            s.setLong(2, ++seq);
            s.setLong(3, tsMs);
            s.setString(4, resource);
            s.setString(5, peer);
            s.setObject(6, outOfSync);
            s.setBoolean(7, lagging);
            s.setObject(8, roundTrip);
            s.setObject(9, oldestRequest);
            s.setObject(10, eta);
            s.executeUpdate();
        }
        return this;
    }

    HistoryRows rtt(String resource, long tsMs, double roundTrip) throws SQLException {
        return sample("pair-1", resource, "node-b", tsMs, roundTrip, null, 0L, false, null);
    }

    HistoryRows rollup(
            int resolutionSeconds,
            long bucketMs,
            String figure,
            long count,
            double min,
            double max,
            double p50,
            double p95,
            double p99)
            throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO replication_rollups VALUES (?, ?, 'pair-1', 'node-a', 'r0', 0, 'node-b', ?, ?, ?, ?, NULL, ?, ?, ?)")) {
            s.setInt(1, resolutionSeconds);
            s.setLong(2, bucketMs);
            s.setString(3, figure);
            s.setLong(4, count);
            s.setDouble(5, min);
            s.setDouble(6, max);
            s.setDouble(7, p50);
            s.setDouble(8, p95);
            s.setDouble(9, p99);
            s.executeUpdate();
        }
        return this;
    }

    HistoryRows episode(String id, String resource, long startedMs, Long endedMs, String outcome) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO resync_episodes VALUES (?, 'pair-1', ?, 0, 'node-b', 'node-a', 'node-a', ?, ?, 1000, 900, 30.5, 64.0,"
                                + " 'disk-replaced', ?)")) {
            s.setString(1, id);
            s.setString(2, resource);
            s.setLong(3, startedMs);
            s.setObject(4, endedMs);
            s.setString(5, outcome);
            s.executeUpdate();
        }
        return this;
    }

    HistoryRows state(String resource, long tsMs, String disk, String replication) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO drbd_state_changes VALUES ('pair-1', 'node-a', ?, ?, ?, 0, 'node-b', 'Primary', ?, 'Connected', ?,"
                                + " 'UpToDate', 'Secondary')")) {
            s.setLong(1, ++seq);
            s.setLong(2, tsMs);
            s.setString(3, resource);
            s.setString(4, disk);
            s.setString(5, replication);
            s.executeUpdate();
        }
        return this;
    }

    HistoryRows alert(long sentMs, String alertname, String severity, String state) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO alert_changes VALUES ('pair-1', ?, ?, ?, ?, 1, 'state', '{\"node\":\"node-a\"}', ?, NULL, NULL, ?)")) {
            s.setString(1, "fp-" + alertname);
            s.setString(2, alertname);
            s.setString(3, severity);
            s.setString(4, state);
            s.setLong(5, sentMs - 1000);
            s.setLong(6, sentMs);
            s.executeUpdate();
        }
        return this;
    }
}
