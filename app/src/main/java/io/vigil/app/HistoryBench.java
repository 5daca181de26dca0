package io.vigil.app;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.cli.DurationConverter;
import io.vigil.events.DrbdResource;
import io.vigil.events.Envelope;
import io.vigil.events.Topics;
import io.vigil.history.DuckDbHistoryStore;
import io.vigil.history.HistoryConfig;
import io.vigil.history.HistoryConsumer;
import io.vigil.history.HistoryMetrics;
import io.vigil.history.HistoryRetention;
import io.vigil.history.HistorySchema;
import io.vigil.history.HistorySink;
import io.vigil.history.Partition;
import io.vigil.history.SinkRecord;
import io.vigil.history.SqlDialect;
import io.vigil.history.query.LatencyQuestion;
import io.vigil.history.query.ResyncsQuery;
import io.vigil.history.query.RowLimit;
import io.vigil.history.query.StatesQuery;
import io.vigil.history.query.StoredResolutions;
import io.vigil.history.query.SyncLatency;
import io.vigil.history.query.SyncLatencyQuery;
import io.vigil.history.query.TimeRange;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Issue 11's measurement: months of one node's DRBD reports ({@link HistoryWorkload}) ingested
 * through the history sink, and in the same run the same rows through DuckDB's bare appender
 * (the baseline: no marks, no timeline, no episodes, no transaction); then the rollups a running
 * engine would have made along the way, and the questions operators ask, timed.
 */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description =
                "Ingest rate of the history sink against DuckDB's bare appender, then query latencies over the same history")
final class HistoryBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--days", converter = AtLeastOne.class, description = "days of samples (default ${DEFAULT-VALUE})")
    int days = 30;

    @Option(
            names = "--resources",
            converter = AtLeastOne.class,
            description = "DRBD resources reporting (default ${DEFAULT-VALUE})")
    int resources = 100;

    @Option(
            names = "--interval",
            converter = DurationConverter.class,
            description = "between two samples of a resource (default 10s)")
    Duration interval = Duration.ofSeconds(10);

    @Option(
            names = "--batch",
            converter = AtLeastOne.class,
            description =
                    "records per batch handed to the sink, as the consumer hands it a backlog: one transaction each (default ${DEFAULT-VALUE})")
    int batch = HistoryConsumer.TRANSACTION_RECORDS;

    @Option(
            names = "--queries",
            converter = AtLeastOne.class,
            description = "times each question is asked (default ${DEFAULT-VALUE})")
    int queries = 200;

    @Option(
            names = "--dir",
            description = "where the two history files are written (default: a new directory under the system's temp)")
    Optional<Path> dir = Optional.empty();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path work = dir.isPresent()
                ? Files.createDirectories(dir.get())
                : Files.createTempDirectory("vigil-bench-history-");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        HistoryWorkload workload =
                new HistoryWorkload(resources, now.minus(Duration.ofDays(days)), Duration.ofDays(days), interval, 1);
        out.printf(
                Locale.ROOT,
                "history bench: %d days of %d s samples for %d resources = %,d reports (one row each), in %s%n",
                days,
                interval.toSeconds(),
                resources,
                workload.size(),
                work);
        out.flush();

        Path sinkFile = work.resolve("sink.duckdb");
        Path bareFile = work.resolve("bare-appender.duckdb");
        Files.deleteIfExists(sinkFile);
        Files.deleteIfExists(bareFile);
        try (DuckDbHistoryStore store = DuckDbHistoryStore.open(sinkFile);
                Connection bareConnection = DriverManager.getConnection("jdbc:duckdb:" + bareFile)) {
            Ingest ingest = ingest(workload, store, bareConnection, err);
            out.printf(Locale.ROOT, "  ingest, DuckDB's bare appender (baseline): %,.0f rows/s%n", ingest.bare());
            out.printf(
                    Locale.ROOT,
                    "  ingest, the history sink:                  %,.0f rows/s (%.2f of the baseline; target at least 200,000 rows/s"
                            + " and 0.5)%n",
                    ingest.sink(),
                    ingest.sink() / ingest.bare());
            out.printf(
                    Locale.ROOT,
                    "  per CPU second (every thread of this process): baseline %,.0f rows/s, sink %,.0f rows/s (%.2f)%n",
                    ingest.bareCpu(),
                    ingest.sinkCpu(),
                    ingest.sinkCpu() / ingest.bareCpu());
            out.flush();
            long began = System.nanoTime();
            HistoryRetention retention = new HistoryRetention(store, HistoryConfig.Retention.DEFAULTS);
            int runs = rollUp(store, retention, now, err);
            out.printf(
                    Locale.ROOT,
                    "  rollups and retention a running engine does as it goes: %d runs, %.1f s%n",
                    runs,
                    (System.nanoTime() - began) / 1e9);
            out.flush();
            printCounts(store.connection(), out);
            questions(store, now, out, err);
        }
        out.flush();
        return 0;
    }

    /** Rows per second of wall time, and of CPU time (every thread of this process: DuckDB's own too), for each path. */
    private record Ingest(double bare, double sink, double bareCpu, double sinkCpu) {}

    /**
     * Each batch of reports, made once, goes through DuckDB's bare appender (the same rows, one
     * appender committed at the end: no marks, timeline, episodes or transaction per batch) and
     * through the sink (each batch one transaction with its marks and offsets, as the consumer
     * hands them over). Only the storing is timed: making up the reports is the workload's cost.
     */
    private Ingest ingest(
            HistoryWorkload workload, DuckDbHistoryStore store, Connection bareConnection, PrintWriter err)
            throws SQLException {
        HistorySchema.create(bareConnection, SqlDialect.DUCKDB);
        DuckDBAppender bare = bareConnection
                .unwrap(DuckDBConnection.class)
                .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "replication_samples");
        HistorySink sink = HistorySink.open(store, new HistoryMetrics(new SimpleMeterRegistry()));
        Partition partition = new Partition(Topics.TELEMETRY, 0);
        Progress progress = new Progress("ingest", workload.size(), err);
        long bareNanos = 0;
        long sinkNanos = 0;
        long bareCpu = 0;
        long sinkCpu = 0;
        long bareRows = 0;
        long offset = 0;
        Iterator<Envelope> reports = workload.iterator();
        while (reports.hasNext()) {
            List<Envelope> next = take(reports);
            List<SinkRecord> records = new ArrayList<>(next.size());
            for (Envelope e : next) {
                records.add(new SinkRecord.Telemetry(e, partition, offset++));
            }
            long began = System.nanoTime();
            long cpu = processCpuNanos();
            bareRows += append(bare, next);
            bareNanos += System.nanoTime() - began;
            bareCpu += processCpuNanos() - cpu;
            began = System.nanoTime();
            cpu = processCpuNanos();
            sink.write(records);
            sinkNanos += System.nanoTime() - began;
            sinkCpu += processCpuNanos() - cpu;
            progress.advance(next.size());
        }
        long began = System.nanoTime();
        long cpu = processCpuNanos();
        bare.close();
        bareNanos += System.nanoTime() - began;
        bareCpu += processCpuNanos() - cpu;
        long sinkRows;
        try (Statement s = store.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM replication_samples")) {
            rs.next();
            sinkRows = rs.getLong(1);
        }
        store.connection().commit();
        return new Ingest(
                bareRows / (bareNanos / 1e9),
                sinkRows / (sinkNanos / 1e9),
                bareRows / (bareCpu / 1e9),
                sinkRows / (sinkCpu / 1e9));
    }

    /**
     * The process's CPU time so far: on a machine other work shares, rows per CPU second compare
     * the two paths where wall time mostly measures the wait for a core.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The sink's row for each volume towards each peer, as bare as the appender takes it. */
    private static long append(DuckDBAppender a, List<Envelope> reports) throws SQLException {
        long rows = 0;
        for (Envelope e : reports) {
            DrbdResource r = (DrbdResource) e.body();
            String disk =
                    r.devices().isEmpty() ? null : r.devices().get(0).disk().wire();
            for (DrbdResource.DrbdConnection link : r.connections()) {
                for (DrbdResource.DrbdPeerDevice pd : link.peerDevices()) {
                    a.beginRow();
                    a.append(e.cluster());
                    a.append(e.node());
                    a.append(e.seq());
                    a.append(e.ts().toEpochMilli());
                    a.append(r.resource());
                    a.append(pd.volume());
                    a.append(link.peer());
                    a.append(r.role().wire());
                    a.append(disk);
                    a.append(link.connection().wire());
                    a.append(pd.replication().wire());
                    a.append(pd.peerDisk().wire());
                    if (pd.outOfSyncBytes().isPresent()) {
                        a.append(pd.outOfSyncBytes().get().longValue());
                    } else {
                        a.appendNull();
                    }
                    a.append(pd.outOfSyncBytes().orElse(0L) > 0);
                    a.append(link.latency().roundTripSeconds().orElse(null));
                    a.append(link.latency().oldestRequestSeconds().orElse(null));
                    a.append(pd.resyncRateBytesPerSecond().orElse(null));
                    a.append(pd.etaSeconds().orElse(null));
                    a.append(pd.donePercent().orElse(null));
                    a.endRow();
                    rows++;
                }
            }
        }
        return rows;
    }

    private List<Envelope> take(Iterator<Envelope> reports) {
        List<Envelope> next = new ArrayList<>(batch);
        while (next.size() < batch && reports.hasNext()) {
            next.add(reports.next());
        }
        return next;
    }

    /** Runs the retention job until it has nothing left to roll up, as the engine's would have, minute by minute. */
    private static int rollUp(DuckDbHistoryStore store, HistoryRetention retention, Instant now, PrintWriter err)
            throws SQLException {
        int runs = 0;
        long before = -1;
        while (true) {
            retention.run(now.toEpochMilli());
            runs++;
            long marks;
            try (Statement s = store.connection().createStatement();
                    ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_bucket_ms), 0) FROM rollup_marks")) {
                rs.next();
                marks = rs.getLong(1);
            }
            store.connection().commit();
            if (marks == before) {
                return runs;
            }
            before = marks;
            if (runs % 100 == 0) {
                err.printf(Locale.ROOT, "vigil bench history: rollups, %d runs so far%n", runs);
                err.flush();
            }
        }
    }

    /**
     * The questions operators ask, each {@link #queries} times on resources picked at random, as
     * the engine's API answers them (a reader connection per question): sync latency per hour over
     * the whole range (from the hourly rollups, as past the raw retention), the resync listing, and
     * one resource's state timeline over its last day.
     */
    private void questions(DuckDbHistoryStore store, Instant now, PrintWriter out, PrintWriter err)
            throws SQLException {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        SyncLatencyQuery latency =
                new SyncLatencyQuery(store::reader, StoredResolutions.of(HistoryConfig.Retention.DEFAULTS), clock);
        ResyncsQuery resyncs = new ResyncsQuery(store::reader, clock);
        StatesQuery states = new StatesQuery(store::reader);
        TimeRange whole = TimeRange.of(now.minus(Duration.ofDays(days)), now);
        TimeRange lastDay = TimeRange.of(now.minus(Duration.ofDays(1)), now);
        SplittableRandom pick = new SplittableRandom(7);
        List<Long> latencyMicros = new ArrayList<>();
        List<Long> resyncMicros = new ArrayList<>();
        List<Long> stateMicros = new ArrayList<>();
        int steps = 0;
        int episodes = 0;
        int changes = 0;
        // one unmeasured round first: the first question of each kind pays for loading the tables' blocks
        for (int i = -1; i < queries; i++) {
            String resource = HistoryWorkload.resource(pick.nextInt(resources));
            long began = System.nanoTime();
            SyncLatency answer = latency.answer(new LatencyQuestion(
                    Optional.of(HistoryWorkload.CLUSTER), resource, Optional.empty(), whole, Duration.ofHours(1)));
            long latencyTook = System.nanoTime() - began;
            began = System.nanoTime();
            int listed = resyncs.answer(
                            Optional.of(HistoryWorkload.CLUSTER), Optional.empty(), whole, RowLimit.STANDARD)
                    .rows()
                    .size();
            long resyncsTook = System.nanoTime() - began;
            began = System.nanoTime();
            int timeline = states.answer(Optional.of(HistoryWorkload.CLUSTER), resource, lastDay, RowLimit.STANDARD)
                    .rows()
                    .size();
            long statesTook = System.nanoTime() - began;
            if (i >= 0) {
                latencyMicros.add(latencyTook / 1_000);
                resyncMicros.add(resyncsTook / 1_000);
                stateMicros.add(statesTook / 1_000);
                steps += answer.steps().size();
                episodes += listed;
                changes += timeline;
            }
        }
        out.printf(
                Locale.ROOT,
                "  sync latency per hour over %d days, one resource (%d steps on average): %s%n",
                days,
                steps / queries,
                Percentiles.ofMicros(latencyMicros));
        out.printf(
                Locale.ROOT,
                "  resync listing over %d days (%d episodes, the newest %d): %s%n",
                days,
                episodes / queries,
                RowLimit.DEFAULT,
                Percentiles.ofMicros(resyncMicros));
        out.printf(
                Locale.ROOT,
                "  state timeline of one resource over its last day (%d changes on average): %s (target: p99 under 200 ms"
                        + " for each)%n",
                changes / queries,
                Percentiles.ofMicros(stateMicros));
        err.flush();
    }

    private static void printCounts(Connection db, PrintWriter out) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM replication_samples),"
                        + " (SELECT count(*) FROM replication_rollups), (SELECT count(*) FROM drbd_state_changes),"
                        + " (SELECT count(*) FROM resync_episodes)")) {
            rs.next();
            out.printf(
                    Locale.ROOT,
                    "  held after retention: %,d raw samples (the last 14 days), %,d rollup rows, %,d state changes,"
                            + " %,d resync episodes%n",
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getLong(4));
        }
    }

    /** Long work shows progress: a line on stderr at every tenth. */
    private static final class Progress {
        private final String what;
        private final long total;
        private final PrintWriter err;
        private long done;
        private long nextTenth;
        private final long began = System.nanoTime();

        Progress(String what, long total, PrintWriter err) {
            this.what = what;
            this.total = total;
            this.err = err;
            this.nextTenth = Math.max(1, total / 10);
        }

        void advance(int count) {
            done += count;
            if (done >= nextTenth) {
                err.printf(
                        Locale.ROOT,
                        "vigil bench history: %s %d%% (%,d of %,d, %.0f s)%n",
                        what,
                        done * 100 / total,
                        done,
                        total,
                        (System.nanoTime() - began) / 1e9);
                err.flush();
                while (nextTenth <= done) {
                    nextTenth += Math.max(1, total / 10);
                }
            }
        }
    }
}
