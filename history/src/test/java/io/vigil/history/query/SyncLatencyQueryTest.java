package io.vigil.history.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.history.StoreKind;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
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

@ParameterizedClass
@EnumSource(StoreKind.class)
class SyncLatencyQueryTest {
    @Parameter
    StoreKind kind;

    private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
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

    private SyncLatency ask(
            Optional<String> cluster, Optional<String> peer, long from, long to, Duration step, long nowMs)
            throws SQLException {
        return new SyncLatencyQuery(
                        db, StoredResolutions.DEFAULT, Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC))
                .answer(new LatencyQuestion(cluster, "r0", peer, new TimeRange(from, to), step));
    }

    @Test
    void eachStepHasExactQuantilesOfItsRawSamplesAndAStepWithoutSamplesIsAbsent() throws SQLException {
        // minute 0: round trips 1, 2, 3, 4 ms; out-of-sync 100 and 300 bytes while lagging, 7 bytes of residue while in
        // sync
        rows.sample("pair-1", "r0", "node-b", T0 + 1_000, 0.001, null, 100L, true, 20.0)
                .sample("pair-1", "r0", "node-b", T0 + 11_000, 0.002, null, 300L, true, 10.0)
                .sample("pair-1", "r0", "node-b", T0 + 21_000, 0.003, null, 7L, false, null)
                .sample("pair-1", "r0", "node-b", T0 + 31_000, 0.004, null, 7L, false, null)
                // minute 2 (minute 1 has none); another resource's sample is not counted
                .sample("pair-1", "r0", "node-b", T0 + 2 * MINUTE + 5_000, 0.010, 0.5, 0L, false, null)
                .rtt("r1", T0 + 5_000, 9.0);

        SyncLatency answer =
                ask(Optional.empty(), Optional.empty(), T0, T0 + 3 * MINUTE, Duration.ofMinutes(1), T0 + 3 * MINUTE);

        assertEquals(
                List.of(T0, T0 + 2 * MINUTE),
                answer.steps().stream().map(LatencyStep::startMs).toList(),
                "minute 1 had no sample");
        LatencyStep first = answer.steps().get(0);
        assertEquals(4, first.samples());
        Quantiles rtt = first.figure(LatencyFigure.ROUND_TRIP).orElseThrow();
        assertEquals(4, rtt.count());
        assertEquals(0.0025, rtt.p50(), 1e-12);
        assertEquals(0.00385, rtt.p95(), 1e-12);
        assertEquals(0.00397, rtt.p99(), 1e-12);
        assertEquals(0.004, rtt.max(), 1e-12);
        Quantiles lag = first.figure(LatencyFigure.OUT_OF_SYNC).orElseThrow();
        assertEquals(2, lag.count(), "the in-sync residue of 7 bytes is not lag");
        assertEquals(200, lag.p50(), 1e-9);
        assertEquals(300, lag.max(), 1e-9);
        assertEquals(15.0, first.figure(LatencyFigure.RESYNC_ETA).orElseThrow().p50(), 1e-9);
        assertTrue(first.figure(LatencyFigure.OLDEST_REQUEST).isEmpty(), "unknown is absent, not 0");
        assertEquals(
                0.5,
                answer.steps()
                        .get(1)
                        .figure(LatencyFigure.OLDEST_REQUEST)
                        .orElseThrow()
                        .max(),
                1e-12);
        assertTrue(answer.steps().get(1).figure(LatencyFigure.OUT_OF_SYNC).isEmpty());
        assertEquals(Optional.of("pair-1"), answer.cluster());
        assertTrue(answer.rollup().isEmpty());
    }

    @Test
    void aPeerNamedKeepsItsSamplesOnly() throws SQLException {
        rows.sample("pair-1", "r0", "node-b", T0, 0.001, null, 0L, false, null)
                .sample("pair-1", "r0", "node-c", T0 + 1_000, 0.009, null, 0L, false, null);

        SyncLatency answer =
                ask(Optional.empty(), Optional.of("node-c"), T0, T0 + MINUTE, Duration.ofMinutes(1), T0 + MINUTE);

        assertEquals(1, answer.steps().size());
        assertEquals(
                0.009,
                answer.steps()
                        .get(0)
                        .figure(LatencyFigure.ROUND_TRIP)
                        .orElseThrow()
                        .max(),
                1e-12);
        assertEquals(1, answer.steps().get(0).samples());
    }

    @Test
    void aResourceOfTwoClustersMustBeAskedWithItsCluster() throws SQLException {
        rows.sample("pair-1", "r0", "node-b", T0, 0.001, null, 0L, false, null)
                .sample("pair-2", "r0", "node-b", T0, 0.002, null, 0L, false, null);

        QueryRefused refused = assertThrows(
                QueryRefused.class,
                () -> ask(Optional.empty(), Optional.empty(), T0, T0 + MINUTE, Duration.ofMinutes(1), T0 + MINUTE));
        assertEquals("cluster", refused.parameter());
        assertTrue(refused.getMessage().contains("pair-1, pair-2"), refused.getMessage());
        assertEquals(
                0.002,
                ask(Optional.of("pair-2"), Optional.empty(), T0, T0 + MINUTE, Duration.ofMinutes(1), T0 + MINUTE)
                        .steps()
                        .get(0)
                        .figure(LatencyFigure.ROUND_TRIP)
                        .orElseThrow()
                        .max(),
                1e-12);
    }

    @Test
    void moreStepsThanThePlotTakesAreRefusedNamingTheStep() {
        QueryRefused refused = assertThrows(
                QueryRefused.class,
                () -> new LatencyQuestion(
                        Optional.empty(),
                        "r0",
                        Optional.empty(),
                        TimeRange.of(
                                Instant.ofEpochMilli(T0),
                                Instant.ofEpochMilli(T0).plus(Duration.ofDays(90))),
                        Duration.ofMinutes(1)));
        assertEquals("step", refused.parameter());
        assertTrue(
                refused.getMessage().contains("129600 steps of 1m")
                        && refused.getMessage().contains("widen the step or narrow the range"),
                refused.getMessage());
        assertEquals(
                "resource",
                assertThrows(
                                QueryRefused.class,
                                () -> new LatencyQuestion(
                                        Optional.empty(),
                                        "r0;drop",
                                        Optional.empty(),
                                        new TimeRange(T0, T0 + HOUR),
                                        Duration.ofMinutes(1)))
                        .parameter());
    }

    @Test
    void stepsOlderThanTheRawRetentionComeFromTheRollupsAsQuantilesOfQuantiles() throws SQLException {
        long now = T0 + Duration.ofDays(30).toMillis();
        // three hourly buckets of a day long past the raw retention: kept as rollups only
        rows.rollup(3600, T0, "round_trip_seconds", 360, 0.001, 0.050, 0.002, 0.010, 0.020)
                .rollup(3600, T0 + HOUR, "round_trip_seconds", 360, 0.001, 0.090, 0.004, 0.030, 0.060)
                .rollup(3600, T0 + 2 * HOUR, "round_trip_seconds", 360, 0.001, 0.070, 0.006, 0.020, 0.040)
                .rollup(
                        60,
                        T0,
                        "round_trip_seconds",
                        6,
                        0.5,
                        0.5,
                        0.5,
                        0.5,
                        0.5); // the minute rollup is not read for a day's step

        SyncLatency answer = ask(
                Optional.empty(), Optional.empty(), T0, T0 + Duration.ofDays(1).toMillis(), Duration.ofDays(1), now);

        assertEquals(Optional.of(Duration.ofHours(1)), answer.rollup());
        assertEquals(1, answer.steps().size());
        Quantiles rtt = answer.steps().get(0).figure(LatencyFigure.ROUND_TRIP).orElseThrow();
        assertEquals(1080, rtt.count());
        assertEquals(0.004, rtt.p50(), 1e-12, "the median of the buckets' medians 0.002, 0.004, 0.006");
        assertEquals(0.029, rtt.p95(), 1e-12, "p95 of 0.010, 0.020, 0.030");
        assertEquals(0.0596, rtt.p99(), 1e-12, "p99 of 0.020, 0.040, 0.060");
        assertEquals(0.090, rtt.max(), 1e-12, "the max is exact");
        assertEquals(1080, answer.steps().get(0).samples());
    }

    @Test
    void aCoarseStepReadsTheRolledUpHoursAndRawRowsForTheHourNotYetRolledUp() throws SQLException {
        long now = T0 + 2 * HOUR + 10 * MINUTE;
        rows.rollup(3600, T0, "round_trip_seconds", 360, 0.001, 0.050, 0.002, 0.010, 0.020)
                .rtt("r0", T0 + 5 * MINUTE, 7.0) // rolled up already: its raw row is not read again
                .rtt("r0", T0 + HOUR + 5 * MINUTE, 0.003)
                .rtt("r0", T0 + 2 * HOUR + 5 * MINUTE, 0.005);

        SyncLatency answer = ask(Optional.empty(), Optional.empty(), T0, now, Duration.ofHours(1), now);

        assertEquals(Optional.of(Duration.ofHours(1)), answer.rollup());
        assertEquals(T0 + HOUR, answer.rawFromMs());
        assertEquals(
                List.of(0.050, 0.003, 0.005),
                answer.steps().stream()
                        .map(s ->
                                s.figure(LatencyFigure.ROUND_TRIP).orElseThrow().max())
                        .toList());
    }

    @Test
    void aFineStepWithinTheRawRetentionNeverReadsRollups() throws SQLException {
        rows.rollup(60, T0, "round_trip_seconds", 6, 0.5, 0.5, 0.5, 0.5, 0.5).rtt("r0", T0 + 1_000, 0.001);

        SyncLatency answer = ask(Optional.empty(), Optional.empty(), T0, T0 + MINUTE, Duration.ofMinutes(1), T0 + HOUR);

        assertFalse(answer.rollup().isPresent());
        assertEquals(
                0.001,
                answer.steps()
                        .get(0)
                        .figure(LatencyFigure.ROUND_TRIP)
                        .orElseThrow()
                        .max(),
                1e-12);
    }
}
