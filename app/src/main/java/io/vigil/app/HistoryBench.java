package io.vigil.app;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.events.DrbdResource;
import io.vigil.events.Envelope;
import io.vigil.events.Topics;
import io.vigil.history.DuckDbHistoryStore;
import io.vigil.history.HistoryConfig;
import io.vigil.history.HistoryMetrics;
import io.vigil.history.HistoryRetention;
import io.vigil.history.HistorySchema;
import io.vigil.history.HistorySink;
import io.vigil.history.Partition;
import io.vigil.history.SinkRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Issue 11's measurement: months of one node's DRBD reports ({@link HistoryWorkload}) ingested
 * through the history sink, and in the same run the same rows through DuckDB's bare appender
 * (the baseline: no marks, no timeline, no episodes, no transaction); then the rollups a running
 * engine would have made along the way, and the questions operators ask, timed.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Ingest rate of the history sink against DuckDB's bare appender, then query latencies over the same history")
final class HistoryBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--days", converter = AtLeastOne.class, description = "days of samples (default ${DEFAULT-VALUE})")
    int days = 30;

    @Option(names = "--resources", converter = AtLeastOne.class, description = "DRBD resources reporting (default ${DEFAULT-VALUE})")
    int resources = 100;

    @Option(names = "--interval", converter = DurationConverter.class, description = "between two samples of a resource (default 10s)")
    Duration interval = Duration.ofSeconds(10);

    @Option(names = "--batch", converter = AtLeastOne.class,
            description = "records per batch handed to the sink, as the consumer polls them (default ${DEFAULT-VALUE})")
    int batch = 5_000;

    @Option(names = "--queries", converter = AtLeastOne.class, description = "times each question is asked (default ${DEFAULT-VALUE})")
    int queries = 200;

    @Option(names = "--dir", description = "where the two history files are written (default: a new directory under the system's temp)")
    Optional<Path> dir = Optional.empty();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path work = dir.isPresent() ? Files.createDirectories(dir.get()) : Files.createTempDirectory("vigil-bench-history-");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        HistoryWorkload workload = new HistoryWorkload(resources, now.minus(Duration.ofDays(days)), Duration.ofDays(days), interval, 1);
        out.printf(Locale.ROOT, "history bench: %d days of %d s samples for %d resources = %,d reports (one row each), in %s%n",
                days, interval.toSeconds(), resources, workload.size(), work);
        out.flush();

        Path sinkFile = work.resolve("sink.duckdb");
        Path bareFile = work.resolve("bare-appender.duckdb");
        Files.deleteIfExists(sinkFile);
        Files.deleteIfExists(bareFile);
        double bare = bareAppender(workload, bareFile, err);
        out.printf(Locale.ROOT, "  ingest, DuckDB's bare appender (baseline): %,.0f rows/s%n", bare);
        out.flush();
        try (DuckDbHistoryStore store = DuckDbHistoryStore.open(sinkFile)) {
            double sink = sink(workload, store, err);
            out.printf(Locale.ROOT, "  ingest, the history sink:                  %,.0f rows/s (%.2f of the baseline; target at least 200,000 rows/s"
                    + " and 0.5)%n", sink, sink / bare);
            out.flush();
            long began = System.nanoTime();
            HistoryRetention retention = new HistoryRetention(store, HistoryConfig.Retention.DEFAULTS);
            int runs = rollUp(store, retention, now, err);
            out.printf(Locale.ROOT, "  rollups and retention a running engine does as it goes: %d runs, %.1f s%n", runs,
                    (System.nanoTime() - began) / 1e9);
            out.flush();
            printCounts(store.connection(), out);
        }
        out.flush();
        return 0;
    }

    /**
     * The same rows through the appender alone, committed once at the end. Only the storing is
     * timed, here and through the sink: making up the reports is the workload's cost, not theirs.
     */
    private double bareAppender(HistoryWorkload workload, Path file, PrintWriter err) throws SQLException {
        long spent = 0;
        long rows = 0;
        Progress progress = new Progress("bare appender", workload.size(), err);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file)) {
            HistorySchema.create(c);
            DuckDBConnection db = c.unwrap(DuckDBConnection.class);
            DuckDBAppender a = db.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "replication_samples");
            Iterator<Envelope> reports = workload.iterator();
            while (reports.hasNext()) {
                List<Envelope> next = take(reports);
                long began = System.nanoTime();
                for (Envelope e : next) {
                    DrbdResource r = (DrbdResource) e.body();
                    String disk = r.devices().isEmpty() ? null : r.devices().get(0).disk().wire();
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
                spent += System.nanoTime() - began;
                progress.advance(next.size());
            }
            long began = System.nanoTime();
            a.close();
            spent += System.nanoTime() - began;
        }
        return rows / (spent / 1e9);
    }

    private List<Envelope> take(Iterator<Envelope> reports) {
        List<Envelope> next = new ArrayList<>(batch);
        while (next.size() < batch && reports.hasNext()) {
            next.add(reports.next());
        }
        return next;
    }

    /** The records through the sink in the consumer's batches, each batch one transaction with its marks and offsets. */
    private double sink(HistoryWorkload workload, DuckDbHistoryStore store, PrintWriter err) throws SQLException {
        HistorySink sink = HistorySink.open(store, new HistoryMetrics(new SimpleMeterRegistry()));
        Partition partition = new Partition(Topics.TELEMETRY, 0);
        Progress progress = new Progress("history sink", workload.size(), err);
        long spent = 0;
        long offset = 0;
        Iterator<Envelope> reports = workload.iterator();
        while (reports.hasNext()) {
            List<SinkRecord> records = new ArrayList<>(batch);
            for (Envelope e : take(reports)) {
                records.add(new SinkRecord.Telemetry(e, partition, offset++));
            }
            long began = System.nanoTime();
            sink.write(records);
            spent += System.nanoTime() - began;
            progress.advance(records.size());
        }
        double seconds = spent / 1e9;
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM replication_samples")) {
            rs.next();
            return rs.getLong(1) / seconds;
        }
    }

    /** Runs the retention job until it has nothing left to roll up, as the engine's would have, minute by minute. */
    private static int rollUp(DuckDbHistoryStore store, HistoryRetention retention, Instant now, PrintWriter err) throws SQLException {
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

    private static void printCounts(Connection db, PrintWriter out) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM replication_samples),"
                + " (SELECT count(*) FROM replication_rollups), (SELECT count(*) FROM drbd_state_changes),"
                + " (SELECT count(*) FROM resync_episodes)")) {
            rs.next();
            out.printf(Locale.ROOT, "  held after retention: %,d raw samples (the last 14 days), %,d rollup rows, %,d state changes,"
                    + " %,d resync episodes%n", rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
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
                err.printf(Locale.ROOT, "vigil bench history: %s %d%% (%,d of %,d, %.0f s)%n", what, done * 100 / total, done, total,
                        (System.nanoTime() - began) / 1e9);
                err.flush();
                while (nextTenth <= done) {
                    nextTenth += Math.max(1, total / 10);
                }
            }
        }
    }
}
