package io.vigil.history.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.history.StoreKind;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The resync, state and alert listings on a DuckDB history with known rows. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ListingQueriesTest {
    @Parameter
    StoreKind kind;

    private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private TestHistory history;
    private HistoryDatabase db;
    private HistoryRows rows;

    @BeforeEach
    void open() throws SQLException {
        history = TestHistory.open(dir, kind);
        db = history.db();
        rows = new HistoryRows(db);
    }

    @AfterEach
    void close() throws Exception {
        history.close();
    }

    @Test
    void resyncsOverlappingTheRangeComeNewestFirstWithTheirDurationARunningOneToNow() throws SQLException {
        rows.episode("e-before", "r0", T0 - 3 * HOUR, T0 - 2 * HOUR, "done")
                .episode("e-across", "r0", T0 - HOUR, T0 + 60_000, "done")
                .episode("e-inside", "r0", T0 + HOUR, T0 + HOUR + 90_000, "interrupted")
                .episode("e-other", "r1", T0 + HOUR, T0 + 2 * HOUR, "done")
                .episode("e-running", "r0", T0 + 2 * HOUR, null, "running");
        ResyncsQuery query =
                new ResyncsQuery(db, Clock.fixed(Instant.ofEpochMilli(T0 + 2 * HOUR + 30_000), ZoneOffset.UTC));

        Rows<ResyncEpisode> r0 = query.answer(
                Optional.of("pair-1"), Optional.of("r0"), new TimeRange(T0, T0 + 3 * HOUR), RowLimit.STANDARD);

        assertEquals(
                List.of("e-running", "e-inside", "e-across"),
                r0.rows().stream().map(ResyncEpisode::episodeId).toList());
        assertEquals(30_000, r0.rows().get(0).durationMs(), "a running episode lasts until now");
        assertTrue(r0.rows().get(0).endedMs().isEmpty());
        assertEquals(90_000, r0.rows().get(1).durationMs());
        assertEquals(Optional.of(64.0), r0.rows().get(1).peakRateBytesPerSecond());
        assertFalse(r0.truncated());

        Rows<ResyncEpisode> two =
                query.answer(Optional.empty(), Optional.empty(), new TimeRange(T0, T0 + 3 * HOUR), new RowLimit(2));
        assertEquals(2, two.rows().size());
        assertTrue(two.truncated(), "four episodes overlap the range: the answer says it holds only two");
    }

    @Test
    void theStateTimelineRunsOldestFirstAndACutOneKeepsTheNewestChanges() throws SQLException {
        rows.state("r0", T0 + 1_000, "UpToDate", "Established")
                .state("r0", T0 + 2_000, "Failed", "Established")
                .state("r0", T0 + 3_000, "Inconsistent", "SyncTarget")
                .state("r1", T0 + 2_500, "Diskless", "Established");
        StatesQuery query = new StatesQuery(db);

        Rows<StateChange> all = query.answer(Optional.empty(), "r0", new TimeRange(T0, T0 + HOUR), RowLimit.STANDARD);
        assertEquals(
                List.of("UpToDate", "Failed", "Inconsistent"),
                all.rows().stream().map(s -> s.disk().orElseThrow()).toList());
        assertEquals("SyncTarget", all.rows().get(2).replication());

        Rows<StateChange> cut =
                query.answer(Optional.of("pair-1"), "r0", new TimeRange(T0, T0 + HOUR), new RowLimit(2));
        assertEquals(
                List.of(T0 + 2_000, T0 + 3_000),
                cut.rows().stream().map(StateChange::atMs).toList());
        assertTrue(cut.truncated());
    }

    @Test
    void alertChangesAreFilteredByNameSeverityAndStateNewestFirst() throws SQLException {
        rows.alert(T0 + 1_000, "DiskFailed", "critical", "firing")
                .alert(T0 + 2_000, "ResyncSlow", "warning", "firing")
                .alert(T0 + 3_000, "DiskFailed", "critical", "resolved")
                .alert(T0 + 2 * HOUR, "DiskFailed", "critical", "firing");
        AlertsQuery query = new AlertsQuery(db);
        TimeRange hour = new TimeRange(T0, T0 + HOUR);

        assertEquals(
                List.of(T0 + 3_000, T0 + 2_000, T0 + 1_000),
                query.answer(AlertsQuery.Filter.ALL, hour, RowLimit.STANDARD).rows().stream()
                        .map(RecordedAlertChange::sentMs)
                        .toList());
        Rows<RecordedAlertChange> critical = query.answer(
                new AlertsQuery.Filter(
                        Optional.of("pair-1"),
                        Optional.of("DiskFailed"),
                        Optional.of("critical"),
                        Optional.of("firing")),
                hour,
                RowLimit.STANDARD);
        assertEquals(1, critical.rows().size());
        assertEquals("{\"node\":\"node-a\"}", critical.rows().get(0).labelsJson());
        assertEquals(Optional.empty(), critical.rows().get(0).firedMs(), "NULL is unknown");
        assertEquals(
                "severity",
                assertThrows(
                                QueryRefused.class,
                                () -> new AlertsQuery.Filter(
                                        Optional.empty(), Optional.empty(), Optional.of("crit'; --"), Optional.empty()))
                        .parameter());
        assertEquals(
                "limit",
                assertThrows(QueryRefused.class, () -> new RowLimit(RowLimit.MAX + 1))
                        .parameter());
    }
}
