package io.vigil.history;

import static io.vigil.events.ConnectionState.CONNECTED;
import static io.vigil.events.ConnectionState.CONNECTING;
import static io.vigil.events.DiskState.DISKLESS;
import static io.vigil.events.DiskState.DUNKNOWN;
import static io.vigil.events.DiskState.INCONSISTENT;
import static io.vigil.events.DiskState.OUTDATED;
import static io.vigil.events.DiskState.UP_TO_DATE;
import static io.vigil.events.ReplicationState.ESTABLISHED;
import static io.vigil.events.ReplicationState.OFF;
import static io.vigil.events.ReplicationState.SYNC_SOURCE;
import static io.vigil.events.ReplicationState.SYNC_TARGET;
import static io.vigil.history.Reports.T0;
import static io.vigil.history.Reports.healthy;
import static io.vigil.history.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.Topics;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HistorySinkTest {
    @TempDir
    Path dir;

    private HistoryConfig.Store config;
    private HistoryStore store;
    private HistorySink sink;
    private long offset;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private void open(StoreKind kind) throws SQLException {
        config = kind.config(dir);
        reopen();
    }

    private void reopen() throws SQLException {
        if (store != null) {
            store.close();
        }
        store = HistoryStore.open(config);
        sink = HistorySink.open(store, new HistoryMetrics(registry));
    }

    private void write(Reports.Report... reports) throws SQLException {
        List<SinkRecord> records = new ArrayList<>();
        for (Reports.Report r : reports) {
            records.add(r.record(offset++));
        }
        sink.write(records);
    }

    private List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (var s = store.connection().createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.add(
                            v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)
                                    ? (Object) n.longValue()
                                    : v);
                }
                rows.add(row);
            }
        }
        store.connection().commit();
        return rows;
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aSampleIsWrittenPerPeerVolumeWithWhatIsUnknownLeftNull(StoreKind kind) throws SQLException {
        open(kind);
        write(healthy("node-a", 1, 0).rtt(0.0004), report("node-b", 1, 1, null, CONNECTING, OFF, DUNKNOWN, 0));
        assertEquals(
                List.of(
                        List.of(
                                "node-a",
                                1L,
                                "Primary",
                                "UpToDate",
                                "Connected",
                                "Established",
                                "UpToDate",
                                0L,
                                false,
                                0.0004),
                        java.util.Arrays.asList(
                                "node-b", 1L, "Secondary", null, "Connecting", "Off", "DUnknown", 0L, false, null)),
                rows("SELECT node, seq, role, disk, connection, replication, peer_disk, out_of_sync_bytes, lagging,"
                        + " round_trip_seconds FROM replication_samples ORDER BY node"));
        assertEquals(
                List.of(java.util.Arrays.asList(null, null, null, null)),
                rows(
                        "SELECT oldest_request_seconds, resync_rate_bytes_per_second, resync_eta_seconds, resync_done_percent"
                                + " FROM replication_samples WHERE node = 'node-a'"),
                "figures the agent did not report are NULL, not 0");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anOutOfSyncFigureTheAgentDidNotReportIsNullNotZero(StoreKind kind) throws SQLException {
        open(kind);
        write(
                healthy("node-a", 1, 0).outOfSyncUnknown(),
                report("node-a", 2, 10, UP_TO_DATE, CONNECTED, SYNC_SOURCE, INCONSISTENT, 4096)
                        .outOfSyncUnknown());
        assertEquals(
                List.of(java.util.Arrays.asList(1L, null, false), java.util.Arrays.asList(2L, null, true)),
                rows("SELECT seq, out_of_sync_bytes, lagging FROM replication_samples ORDER BY seq"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void drbdsResidualOutOfSyncIsRecordedButIsNotLagWhileOutOfSyncOnALostLinkIs(StoreKind kind) throws SQLException {
        open(kind);
        write(
                report("node-a", 1, 0, UP_TO_DATE, CONNECTED, ESTABLISHED, UP_TO_DATE, 8192),
                report("node-a", 2, 10, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 8192));
        assertEquals(
                List.of(List.of(1L, 8192L, false), List.of(2L, 8192L, true)),
                rows("SELECT seq, out_of_sync_bytes, lagging FROM replication_samples ORDER BY seq"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aStateChangeIsWrittenOnlyWhenTheStatesDifferAndNotAgainAfterARestart(StoreKind kind) throws SQLException {
        open(kind);
        write(
                healthy("node-a", 1, 0),
                healthy("node-a", 2, 5).rtt(0.001),
                report("node-a", 3, 10, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 0));
        reopen();
        write(report("node-a", 4, 15, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 4096), healthy("node-a", 5, 20));
        assertEquals(
                List.of(List.of(1L, "Connected"), List.of(3L, "Connecting"), List.of(5L, "Connected")),
                rows("SELECT seq, connection FROM drbd_state_changes ORDER BY seq"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void replayedRecordsNeitherDoubleNorLoseARowNodeAndSeqDecide(StoreKind kind) throws SQLException {
        open(kind);
        write(healthy("node-a", 1, 0), healthy("node-b", 1, 0));
        reopen();
        // Kafka hands the same records again (from offset 0), then the same reports at new offsets
        // (a topic copied or re-produced), then one new report
        offset = 0;
        write(healthy("node-a", 1, 0), healthy("node-b", 1, 0), healthy("node-a", 1, 0), healthy("node-b", 2, 5));
        assertEquals(
                List.of(List.of("node-a", 1L), List.of("node-b", 1L), List.of("node-b", 2L)),
                rows("SELECT node, seq FROM replication_samples ORDER BY node, seq"));
        assertEquals(
                List.of(List.of(Topics.TELEMETRY, 0L, 4L)),
                rows("SELECT topic, kafka_partition, next_offset FROM ingest_offsets"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void alertChangesAreKeptButNotTheirResendsAndTheAuditIsKept(StoreKind kind) throws SQLException {
        open(kind);
        Partition alerts = new Partition(Topics.ALERTS, 2);
        Partition audit = new Partition(Topics.AUDIT, 0);
        sink.write(List.of(
                new SinkRecord.AlertChange(alert(1, AlertState.FIRING, AlertChange.STATE), alerts, 0),
                new SinkRecord.AlertChange(alert(1, AlertState.FIRING, AlertChange.RESEND), alerts, 1),
                new SinkRecord.AlertChange(alert(2, AlertState.RESOLVED, AlertChange.STATE), alerts, 2),
                new SinkRecord.Audit(
                        new AuditEntry(
                                "pair-1",
                                "saga-7",
                                "r0",
                                Instant.ofEpochMilli(T0),
                                AuditKind.DECISION,
                                "detect",
                                "node-a's disk failed",
                                List.of(),
                                Optional.empty()),
                        audit,
                        0),
                new SinkRecord.Unreadable("not JSON", audit, 1)));
        assertEquals(
                List.of(
                        List.of("pair-1", "DiskFailed", "critical", "firing", 1L, "state"),
                        List.of("pair-1", "DiskFailed", "critical", "resolved", 2L, "state")),
                rows(
                        "SELECT cluster, alertname, severity, state, version, change FROM alert_changes ORDER BY version"));
        assertEquals(
                List.of(List.of("saga-7", "decision", "node-a's disk failed")),
                rows("SELECT saga_id, kind, text FROM failover_audit"));
        assertEquals(
                List.of(List.of(Topics.ALERTS, 3L), List.of(Topics.AUDIT, 2L)),
                rows("SELECT topic, next_offset FROM ingest_offsets ORDER BY topic"),
                "an unreadable record is read past");
        assertEquals(
                1.0, registry.get("vigil_history_unreadable_records").counter().count());
        assertEquals(
                2.0,
                registry.get("vigil_history_rows_written")
                        .tag("table", "alert_changes")
                        .counter()
                        .count());
    }

    private static Alert alert(long version, AlertState state, AlertChange change) {
        Map<String, String> labels = Map.of("alertname", "DiskFailed", "cluster", "pair-1", "severity", "critical");
        Instant at = Instant.ofEpochMilli(T0);
        return new Alert(
                Alert.VERSION,
                AlertLabels.fingerprint(labels),
                "DiskFailed",
                state,
                version,
                change,
                labels,
                Map.of(),
                at,
                Optional.of(at),
                state == AlertState.RESOLVED ? Optional.of(at.plusSeconds(60)) : Optional.empty(),
                at.plusSeconds(300),
                at.plusSeconds(version),
                false,
                false,
                List.of(),
                List.of(),
                Optional.empty());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aResyncAfterADiskReplacementIsOneEpisodeReportedByBothNodesFromItsStartToItsEnd(StoreKind kind)
            throws SQLException {
        open(kind);
        write(
                healthy("node-a", 1, 0),
                healthy("node-b", 1, 0),
                // node-b's disk fails and is detached, then a new one is attached
                report("node-b", 2, 10, DISKLESS, CONNECTED, ESTABLISHED, UP_TO_DATE, 0),
                report("node-a", 2, 10, UP_TO_DATE, CONNECTED, ESTABLISHED, DISKLESS, 0),
                // the target reports first: it owns the episode; the source's reports move it
                report("node-b", 3, 100, INCONSISTENT, CONNECTED, SYNC_TARGET, UP_TO_DATE, 1_000_000)
                        .rate(10_000),
                report("node-a", 3, 101, UP_TO_DATE, CONNECTED, SYNC_SOURCE, INCONSISTENT, 990_000)
                        .rate(30_000),
                report("node-b", 4, 150, INCONSISTENT, CONNECTED, SYNC_TARGET, UP_TO_DATE, 500_000)
                        .rate(20_000));
        write(report("node-a", 4, 200, UP_TO_DATE, CONNECTED, ESTABLISHED, UP_TO_DATE, 0), healthy("node-b", 5, 201));
        assertEquals(
                List.of(List.of(
                        "pair-1",
                        "r0",
                        0L,
                        "node-a",
                        "node-b",
                        "node-b",
                        T0 + 100_000,
                        T0 + 200_000,
                        1_000_000L,
                        1_000_000L,
                        10_000.0,
                        30_000.0,
                        "disk-replaced",
                        "done")),
                rows("SELECT cluster, resource, volume, source_node, target_node, observed_by, started_ms, ended_ms,"
                        + " start_out_of_sync_bytes, bytes, mean_rate_bytes_per_second, peak_rate_bytes_per_second, cause, outcome"
                        + " FROM resync_episodes"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aResyncAfterTheLinkCameBackIsInterruptedWhenItIsLostAgain(StoreKind kind) throws SQLException {
        open(kind);
        write(
                healthy("node-a", 1, 0),
                healthy("node-b", 1, 0),
                report("node-a", 2, 5, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 40_000),
                report("node-b", 2, 5, OUTDATED, CONNECTING, OFF, DUNKNOWN, 0),
                report("node-a", 3, 20, UP_TO_DATE, CONNECTED, SYNC_SOURCE, INCONSISTENT, 40_000),
                report("node-a", 4, 24, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 10_000));
        assertEquals(
                List.of(List.of("node-a", "node-a", T0 + 24_000, 30_000L, "link-restored", "interrupted")),
                rows("SELECT source_node, observed_by, ended_ms, bytes, cause, outcome FROM resync_episodes"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aResyncWhenAHostCameBackFromSilenceIsCausedByTheHostAndSurvivesASinkRestart(StoreKind kind)
            throws SQLException {
        open(kind);
        write(
                healthy("node-a", 1, 0),
                healthy("node-b", 1, 0),
                report("node-a", 2, 5, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 0),
                // node-b is not heard for two minutes: its host was down
                report("node-a", 3, 125, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 600_000),
                report("node-b", 2, 126, OUTDATED, CONNECTED, SYNC_TARGET, UP_TO_DATE, 600_000));
        reopen();
        write(report("node-a", 4, 130, UP_TO_DATE, CONNECTED, SYNC_SOURCE, INCONSISTENT, 300_000)
                .rate(60_000));
        reopen();
        write(healthy("node-b", 3, 136));
        assertEquals(
                List.of(List.of(
                        "node-b", T0 + 126_000, T0 + 136_000, 600_000L, 60_000.0, 60_000.0, "host-back", "done")),
                rows(
                        "SELECT observed_by, started_ms, ended_ms, bytes, mean_rate_bytes_per_second, peak_rate_bytes_per_second,"
                                + " cause, outcome FROM resync_episodes"),
                "the same episode, ended after two restarts");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aBatchThatFailsToCommitLeavesNothingAndIsStoredWholeWhenReadAgain(StoreKind kind) throws SQLException {
        open(kind);
        write(healthy("node-a", 1, 0));
        try (var s = store.connection().createStatement()) {
            s.execute("ALTER TABLE failover_audit RENAME TO failover_audit_away");
            store.connection().commit();
        }
        List<SinkRecord> batch = List.of(
                healthy("node-a", 2, 5).record(1),
                report("node-a", 3, 10, UP_TO_DATE, CONNECTING, OFF, DUNKNOWN, 0)
                        .record(2),
                new SinkRecord.Audit(
                        new AuditEntry(
                                "pair-1",
                                "saga-1",
                                "r0",
                                Instant.ofEpochMilli(T0),
                                AuditKind.DECISION,
                                "detect",
                                "lost",
                                List.of(),
                                Optional.empty()),
                        new Partition(Topics.AUDIT, 0),
                        0));
        assertThrows(SQLException.class, () -> sink.write(batch));
        try (var s = store.connection().createStatement()) {
            s.execute("ALTER TABLE failover_audit_away RENAME TO failover_audit");
            store.connection().commit();
        }
        sink.write(batch);
        assertEquals(
                List.of(List.of(1L), List.of(2L), List.of(3L)),
                rows("SELECT seq FROM replication_samples ORDER BY seq"));
        assertEquals(
                List.of(List.of(1L, "Connected"), List.of(3L, "Connecting")),
                rows("SELECT seq, connection FROM drbd_state_changes ORDER BY seq"));
        assertEquals(List.of(List.of(3L)), rows("SELECT last_seq FROM ingest_marks"));
        assertEquals(List.of(List.of("saga-1")), rows("SELECT saga_id FROM failover_audit"));
    }
}
