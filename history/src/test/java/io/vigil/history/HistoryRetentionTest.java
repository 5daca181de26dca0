package io.vigil.history;

import static io.vigil.events.ConnectionState.CONNECTING;
import static io.vigil.events.DiskState.DUNKNOWN;
import static io.vigil.events.DiskState.UP_TO_DATE;
import static io.vigil.events.ReplicationState.OFF;
import static io.vigil.history.Reports.T0;
import static io.vigil.history.Reports.healthy;
import static io.vigil.history.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HistoryRetentionTest {
    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void closedBucketsAreRolledUpWithCountMinMaxSumAndQuantilesAndExpiredRowsGoByTheirRetention(StoreKind kind)
            throws SQLException {
        try (HistoryStore store = kind.open(dir)) {
            HistorySink sink = HistorySink.open(store, new HistoryMetrics(new SimpleMeterRegistry()));
            List<SinkRecord> records = new ArrayList<>();
            long seq = 1;
            // T0 is on the hour; minute 0 has round trips of 1..10 ms, minute 1 has 20 ms and a lost link with 4 KiB
            // out of sync
            for (int i = 1; i <= 10; i++) {
                records.add(healthy("node-a", seq, i * 5).rtt(i / 1000.0).record(seq++));
            }
            records.add(healthy("node-a", seq, 65).rtt(0.020).record(seq++));
            records.add(report("node-a", seq, 70, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 4096)
                    .record(seq++));
            sink.write(records);
            HistoryRetention retention = new HistoryRetention(
                    store, new HistoryConfig.Retention(Duration.ofDays(14), Duration.ofDays(90), Duration.ofDays(730)));

            retention.run(T0 + 2 * MINUTE + HistoryRetention.LATE_MS - 1);
            assertEquals(
                    List.of(List.of(60L, T0, "round_trip_seconds", 10L, 0.001, 0.010)),
                    rows(
                            store,
                            "SELECT resolution_seconds, bucket_ms, figure, count, min, max"
                                    + " FROM replication_rollups ORDER BY bucket_ms, figure"),
                    "only minute 0 has closed (and waited for late samples)");
            List<Object> sums = rows(store, "SELECT sum, p50, p95, p99 FROM replication_rollups")
                    .get(0);
            assertEquals(0.055, (Double) sums.get(0), 1e-9, "sum");
            assertEquals(0.0055, (Double) sums.get(1), 1e-9, "p50");
            assertEquals(0.00955, (Double) sums.get(2), 1e-9, "the interpolated 95th percentile of 1..10 ms");
            assertEquals(0.00991, (Double) sums.get(3), 1e-9, "the interpolated 99th percentile of 1..10 ms");

            retention.run(T0 + 3 * MINUTE);
            assertEquals(
                    List.of(
                            List.of(T0, "round_trip_seconds", 10L),
                            List.of(T0 + MINUTE, "out_of_sync_bytes", 1L),
                            List.of(T0 + MINUTE, "round_trip_seconds", 1L)),
                    rows(store, "SELECT bucket_ms, figure, count FROM replication_rollups ORDER BY bucket_ms, figure"),
                    "out of sync only where it is lag; minute 0 is not rolled up twice");

            retention.run(T0 + 15 * DAY);
            assertEquals(
                    List.of(List.of(0L, 2L, 3L)),
                    rows(
                            store,
                            "SELECT (SELECT count(*) FROM replication_samples),"
                                    + " (SELECT count(*) FROM replication_rollups WHERE resolution_seconds = 3600),"
                                    + " (SELECT count(*) FROM replication_rollups WHERE resolution_seconds = 60)"),
                    "after 14 days the raw samples are gone, their hour rolled up first");

            retention.run(T0 + 91 * DAY);
            retention.run(T0 + 731 * DAY);
            assertEquals(
                    List.of(List.of(0L, 0L, 0L)),
                    rows(
                            store,
                            "SELECT (SELECT count(*) FROM replication_rollups),"
                                    + " (SELECT count(*) FROM drbd_state_changes), (SELECT count(*) FROM replication_samples)"));
        }
    }

    private static List<List<Object>> rows(HistoryStore store, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (var s = store.connection().createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof java.math.BigDecimal b) {
                        v = b.doubleValue();
                    } else if (v instanceof Number n && !(v instanceof Double)) {
                        v = n.longValue();
                    }
                    row.add(v);
                }
                rows.add(row);
            }
        }
        store.connection().commit();
        return rows;
    }
}
