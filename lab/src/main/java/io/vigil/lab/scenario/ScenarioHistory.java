package io.vigil.lab.scenario;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.events.Envelope;
import io.vigil.history.DuckDbHistoryStore;
import io.vigil.history.HistoryConfig;
import io.vigil.history.HistoryMetrics;
import io.vigil.history.HistorySink;
import io.vigil.history.Partition;
import io.vigil.history.SinkRecord;
import io.vigil.history.query.ResyncEpisode;
import io.vigil.history.query.ResyncsQuery;
import io.vigil.history.query.RowLimit;
import io.vigil.history.query.TimeRange;
import io.vigil.service.config.ByteSize;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A story played on the simulated clock, kept in the lab's history as though it had just
 * happened: the simulated clock always starts on the same morning (so that timelines compare),
 * and its reports are stored as ending when the play ended, or just after what the history
 * already holds when an earlier play would overlap (a story of minutes plays in seconds); each
 * node's numbering goes on from what the history holds, under a partition name of its own so
 * that a live lab's Kafka offsets in the same history are never touched.
 */
public final class ScenarioHistory implements AutoCloseable {
    static final Partition PLAYS = new Partition("vigil.scenario-plays", 0);
    private static final int BATCH = 1_000;

    private final DuckDbHistoryStore store;
    private final HistorySink sink;
    private final Duration shift;
    private final Map<String, Long> seqBase = new HashMap<>();
    private final List<SinkRecord> pending = new ArrayList<>();
    private long offset;

    private ScenarioHistory(DuckDbHistoryStore store, HistorySink sink, Duration shift) {
        this.store = store;
        this.sink = sink;
        this.shift = shift;
        this.offset = sink.offsets().getOrDefault(PLAYS, 0L);
    }

    /**
     * The history in {@code dir} (the lab's data directory), for a story of {@code length} from
     * {@code simulatedStart}, played at {@code playedAt}.
     */
    public static ScenarioHistory forPlay(Path dir, Instant simulatedStart, Duration length, Instant playedAt) {
        return open(dir, store -> {
            long after = latestStored(store) + 1_000;
            long begins = Math.max(playedAt.minus(length).toEpochMilli(), after);
            return Duration.ofMillis(begins - simulatedStart.toEpochMilli());
        });
    }

    /** The history in {@code dir} as a live lab's engine recorded it, on the wall clock. */
    public static ScenarioHistory asRecorded(Path dir) {
        return open(dir, store -> Duration.ZERO);
    }

    private static ScenarioHistory open(Path dir, java.util.function.Function<DuckDbHistoryStore, Duration> shift) {
        DuckDbHistoryStore store = DuckDbHistoryStore.open(dir.resolve(HistoryConfig.DEFAULT_FILE));
        try {
            return new ScenarioHistory(
                    store, HistorySink.open(store, new HistoryMetrics(new SimpleMeterRegistry())), shift.apply(store));
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw new IllegalStateException("history " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    private static long latestStored(DuckDbHistoryStore store) {
        try (PreparedStatement s = store.connection()
                        .prepareStatement(
                                "SELECT coalesce(max(ts_ms), 0) FROM replication_samples WHERE cluster IS NOT NULL");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("history " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    /** A report the engine read during the play. */
    public void received(Envelope report) {
        long base = seqBase.computeIfAbsent(
                report.cluster() + "/" + report.node(), k -> lastSeq(report.cluster(), report.node()));
        Envelope kept = Envelope.of(
                report.cluster(),
                report.node(),
                base + report.seq(),
                report.ts().plus(shift),
                report.body());
        pending.add(new SinkRecord.Telemetry(kept, PLAYS, offset++));
        if (pending.size() >= BATCH) {
            flush();
        }
    }

    /** The resyncs of the play ({@code from} and {@code to} on the story's clock), oldest first, one line each. */
    public List<String> resyncLines(Instant from, Instant to) {
        flush();
        List<ResyncEpisode> episodes;
        try {
            episodes = new ArrayList<>(new ResyncsQuery(store::reader, Clock.systemUTC())
                    .answer(
                            Optional.empty(),
                            Optional.empty(),
                            TimeRange.of(from.plus(shift), to.plus(shift)),
                            RowLimit.STANDARD)
                    .rows());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "history " + store.describe() + ": the resyncs could not be read: " + e.getMessage(), e);
        }
        Collections.reverse(episodes);
        return episodes.stream()
                .map(e -> String.format(
                        Locale.ROOT,
                        "resync %s/%d %s -> %s: %s%s%s, cause %s, %s",
                        e.resource(),
                        e.volume(),
                        e.sourceNode(),
                        e.targetNode(),
                        e.endedMs().isPresent()
                                ? String.format(Locale.ROOT, "%.1f s", e.durationMs() / 1000.0)
                                : "still running at the end",
                        e.bytes().map(b -> ", " + ByteSize.human(b)).orElse(""),
                        e.meanRateBytesPerSecond()
                                .map(r -> " at " + ByteSize.human(Math.round(r)) + "/s")
                                .orElse(""),
                        e.cause(),
                        e.outcome()))
                .toList();
    }

    private long lastSeq(String cluster, String node) {
        try (PreparedStatement s = store.connection()
                .prepareStatement("SELECT last_seq FROM ingest_marks WHERE cluster = ? AND node = ?")) {
            s.setString(1, cluster);
            s.setString(2, node);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("history " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            sink.write(List.copyOf(pending));
            pending.clear();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "history " + store.describe() + ": the play's reports could not be stored: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            store.close();
        }
    }
}
