package io.vigil.history.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers the sync-latency question: per step, p50/p95/p99/max of each {@link LatencyFigure} and
 * the count of samples. Raw rows are read where they are kept and the step is fine; rollups for
 * the steps older than the raw retention, and for every fully rolled-up step when the step is
 * coarse (an hour or more: a month of raw rows per hour costs far more than its 720 hourly
 * buckets). See {@link SyncLatency} for what that approximates.
 *
 * <p>The SQL is PostgreSQL 15's as much as DuckDB's: {@code percentile_cont(q) WITHIN GROUP (ORDER BY x)},
 * steps as {@code ts - ((ts - from) % step)}, both reading the (cluster, resource, ts_ms) index's order.
 */
public final class SyncLatencyQuery {
    /** A step this long or longer reads rollups wherever they cover it. */
    static final Duration COARSE = Duration.ofHours(1);

    private static final double[] QUANTILES = {0.5, 0.95, 0.99};

    private final HistoryDatabase db;
    private final StoredResolutions retention;
    private final Clock clock;

    public SyncLatencyQuery(HistoryDatabase db, StoredResolutions retention, Clock clock) {
        this.db = db;
        this.retention = retention;
        this.clock = clock;
    }

    public SyncLatency answer(LatencyQuestion q) throws SQLException {
        long from = q.range().fromMs();
        long to = q.range().toMs();
        long step = q.step().toMillis();
        try (Connection c = db.connect()) {
            Optional<Duration> rollup = rollupFor(q);
            long rawHorizon = clock.millis() - retention.raw().toMillis();
            boolean fine = q.step().compareTo(COARSE) < 0;
            Map<String, TreeMap<Long, LatencyStep>> byCluster = new TreeMap<>();
            long cut = from;
            if (rollup.isPresent()) {
                // a fine step reads raw rows wherever they are still kept (exact, and cheap at that size): rollups only
                // before
                long rollupsTo = fine ? stepCeil(q, rawHorizon) : to;
                long rolledUntil = rollupSteps(c, q, rollup.get(), rollupsTo, byCluster);
                // steps ending before the raw horizon have only rollups; later ones read rollups as far as they are
                // rolled up
                cut = Math.min(rollupsTo, Math.max(stepFloor(q, rolledUntil), stepFloor(q, rawHorizon)));
                long rawFrom = cut;
                byCluster.values().forEach(steps -> steps.tailMap(rawFrom, true).clear());
                byCluster.values().removeIf(Map::isEmpty);
            }
            if (cut < to) {
                rawSteps(c, q, cut, byCluster);
            }
            if (byCluster.size() > 1) {
                throw new QueryRefused(
                        "cluster",
                        "resource " + q.resource() + " is in clusters " + String.join(", ", byCluster.keySet())
                                + ": name one with cluster=");
            }
            Optional<String> cluster =
                    q.cluster().or(() -> byCluster.keySet().stream().findFirst());
            List<LatencyStep> steps = byCluster.isEmpty()
                    ? List.of()
                    : List.copyOf(byCluster.values().iterator().next().values());
            return new SyncLatency(
                    cluster,
                    q.resource(),
                    q.peer(),
                    q.range(),
                    q.step(),
                    cut > from ? rollup : Optional.empty(),
                    cut,
                    steps);
        }
    }

    /** The coarsest rollup no longer than the step (one that divides it, if any), when rollups are to be read at all. */
    private Optional<Duration> rollupFor(LatencyQuestion q) {
        if (retention.rollups().isEmpty()) {
            return Optional.empty();
        }
        boolean beyondRaw =
                q.range().fromMs() < clock.millis() - retention.raw().toMillis();
        if (!beyondRaw && q.step().compareTo(COARSE) < 0) {
            return Optional.empty();
        }
        TreeSet<Duration> fitting = new TreeSet<>();
        for (Duration r : retention.rollups()) {
            if (r.compareTo(q.step()) <= 0 && q.step().toMillis() % r.toMillis() == 0) {
                fitting.add(r);
            }
        }
        return Optional.of(fitting.isEmpty() ? retention.rollups().get(0) : fitting.last());
    }

    private static int bindFilters(PreparedStatement s, int i, LatencyQuestion q) throws SQLException {
        s.setString(i++, q.resource());
        if (q.cluster().isPresent()) {
            s.setString(i++, q.cluster().get());
        }
        if (q.peer().isPresent()) {
            s.setString(i++, q.peer().get());
        }
        return i;
    }

    /** The start of the step that holds {@code t}'s moment, clamped to the range: steps wholly before it end by then. */
    private static long stepFloor(LatencyQuestion q, long t) {
        long from = q.range().fromMs();
        long step = q.step().toMillis();
        long clamped = Math.max(from, Math.min(t, q.range().toMs()));
        return Math.min(q.range().toMs(), from + (clamped - from) / step * step);
    }

    /** The start of the first step that begins at or after {@code t}, clamped to the range. */
    private static long stepCeil(LatencyQuestion q, long t) {
        long from = q.range().fromMs();
        long step = q.step().toMillis();
        long clamped = Math.max(from, Math.min(t, q.range().toMs()));
        return Math.min(q.range().toMs(), from + (clamped - from + step - 1) / step * step);
    }

    private static void rawSteps(
            Connection c, LatencyQuestion q, long fromMs, Map<String, TreeMap<Long, LatencyStep>> out)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT cluster, ts_ms - ((ts_ms - ?) % ?) AS step_ms, count(*)");
        for (LatencyFigure f : LatencyFigure.values()) {
            String x = f.rawValue();
            sql.append(", count(").append(x).append(')');
            for (double quantile : QUANTILES) {
                sql.append(", percentile_cont(")
                        .append(quantile)
                        .append(") WITHIN GROUP (ORDER BY ")
                        .append(x)
                        .append(')');
            }
            sql.append(", max(").append(x).append(')');
        }
        sql.append(" FROM replication_samples WHERE resource = ?")
                .append(q.cluster().isPresent() ? " AND cluster = ?" : "")
                .append(q.peer().isPresent() ? " AND peer = ?" : "")
                .append(" AND ts_ms >= ? AND ts_ms < ? GROUP BY 1, 2 ORDER BY 2");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setLong(i++, q.range().fromMs());
            s.setLong(i++, q.step().toMillis());
            i = bindFilters(s, i, q);
            s.setLong(i++, fromMs);
            s.setLong(i, q.range().toMs());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<LatencyFigure, Quantiles> figures = new EnumMap<>(LatencyFigure.class);
                    int col = 4;
                    for (LatencyFigure f : LatencyFigure.values()) {
                        long count = rs.getLong(col);
                        if (count > 0) {
                            figures.put(
                                    f,
                                    new Quantiles(
                                            count,
                                            rs.getDouble(col + 1),
                                            rs.getDouble(col + 2),
                                            rs.getDouble(col + 3),
                                            rs.getDouble(col + 4)));
                        }
                        col += 5;
                    }
                    long start = rs.getLong(2);
                    out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .put(start, new LatencyStep(start, rs.getLong(3), figures));
                }
            }
        }
    }

    /**
     * Reads the rollups' steps from the range's start to {@code toMs} into {@code out}; returns the end of the newest bucket read
     * (the range's start when none), before which every step is wholly rolled up.
     */
    private static long rollupSteps(
            Connection c, LatencyQuestion q, Duration rollup, long toMs, Map<String, TreeMap<Long, LatencyStep>> out)
            throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT cluster, bucket_ms - ((bucket_ms - ?) % ?) AS step_ms, figure, max(bucket_ms), sum(\"count\")");
        String[] columns = {"p50", "p95", "p99"};
        for (int k = 0; k < QUANTILES.length; k++) {
            sql.append(", percentile_cont(")
                    .append(QUANTILES[k])
                    .append(") WITHIN GROUP (ORDER BY ")
                    .append(columns[k])
                    .append(')');
        }
        sql.append(", max(\"max\") FROM replication_rollups WHERE resolution_seconds = ? AND resource = ?")
                .append(q.cluster().isPresent() ? " AND cluster = ?" : "")
                .append(q.peer().isPresent() ? " AND peer = ?" : "")
                .append(" AND bucket_ms >= ? AND bucket_ms < ? AND \"count\" > 0 AND figure IN (");
        LatencyFigure[] figures = LatencyFigure.values();
        for (int k = 0; k < figures.length; k++) {
            sql.append(k == 0 ? "?" : ", ?");
        }
        sql.append(") GROUP BY 1, 2, 3 ORDER BY 2");
        Map<String, TreeMap<Long, Map<LatencyFigure, Quantiles>>> steps = new TreeMap<>();
        long newest = Long.MIN_VALUE;
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setLong(i++, q.range().fromMs());
            s.setLong(i++, q.step().toMillis());
            s.setInt(i++, (int) rollup.toSeconds());
            s.setString(i++, q.resource());
            if (q.cluster().isPresent()) {
                s.setString(i++, q.cluster().get());
            }
            if (q.peer().isPresent()) {
                s.setString(i++, q.peer().get());
            }
            s.setLong(i++, q.range().fromMs());
            s.setLong(i++, toMs);
            for (LatencyFigure f : figures) {
                s.setString(i++, f.column());
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    newest = Math.max(newest, rs.getLong(4));
                    steps.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .computeIfAbsent(rs.getLong(2), k -> new EnumMap<>(LatencyFigure.class))
                            .put(
                                    LatencyFigure.of(rs.getString(3)),
                                    new Quantiles(
                                            rs.getLong(5),
                                            rs.getDouble(6),
                                            rs.getDouble(7),
                                            rs.getDouble(8),
                                            rs.getDouble(9)));
                }
            }
        }
        steps.forEach((cluster, byStart) -> byStart.forEach((start, figuresOf) -> {
            // a rollup counts each figure's values: the step's samples are at least its best-reported figure's
            long samples = figuresOf.values().stream()
                    .mapToLong(Quantiles::count)
                    .max()
                    .orElse(0);
            out.computeIfAbsent(cluster, k -> new TreeMap<>()).put(start, new LatencyStep(start, samples, figuresOf));
        }));
        return newest == Long.MIN_VALUE ? q.range().fromMs() : newest + rollup.toMillis();
    }
}
