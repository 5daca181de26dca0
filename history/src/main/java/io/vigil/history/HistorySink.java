package io.vigil.history;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AuditEntry;
import io.vigil.events.DrbdResource;
import io.vigil.events.Envelope;
import io.vigil.events.WireCodec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns batches of records into history rows, stored with the marks and offsets in one
 * transaction per batch, so that a replay neither loses nor doubles a row:
 * <ul>
 *   <li>a record at an offset below its partition's stored next offset is already stored
 *       (the database's offsets are the truth, not Kafka's committed ones);</li>
 *   <li>a telemetry record whose seq is at or below its node's mark is already stored
 *       ((node, seq) decides, whatever partition or topic copy it came through).</li>
 * </ul>
 * What it holds in memory (marks, offsets, the last states, the running episodes) is read back
 * from the database at open, after a failed commit, and when it is given partitions in a database
 * other instances write too ({@link #reload()}); a batch is never stored on a state it could not read.
 */
public final class HistorySink {
    /** A node silent this long and heard again counts as a host back (agents report every few seconds). */
    static final Duration SILENCE = Duration.ofSeconds(30);
    /** How long after a host came back a resync still counts as caused by it. */
    static final Duration HOST_BACK_WINDOW = Duration.ofMinutes(10);

    private final HistoryStore store;
    private final HistoryMetrics metrics;
    private final Map<NodeKey, Long> marks = new HashMap<>();
    private final Map<Partition, Long> offsets = new HashMap<>();
    private final DrbdStateTimeline timeline = new DrbdStateTimeline();
    private final ResyncEpisodes episodes = new ResyncEpisodes();
    private ResyncCauses causes;
    /** Whether the state above is the database's: false from a read that failed until one succeeds. */
    private boolean loaded;

    private HistorySink(HistoryStore store, HistoryMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    public static HistorySink open(HistoryStore store, HistoryMetrics metrics) throws SQLException {
        HistorySink sink = new HistorySink(store, metrics);
        sink.load();
        return sink;
    }

    /**
     * Reads its state back from the database. Where instances share it, the partitions a rebalance
     * gives this one may have been stored by another since it last read them: resuming from what it
     * remembers would store their records twice. When the read fails, {@link #write} reads it first.
     */
    public void reload() throws SQLException {
        load();
    }

    private void load() throws SQLException {
        loaded = false;
        Connection db = store.connection();
        marks.clear();
        offsets.clear();
        try (var s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT cluster, node, last_seq FROM ingest_marks")) {
                while (rs.next()) {
                    marks.put(new NodeKey(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT topic, kafka_partition, next_offset FROM ingest_offsets")) {
                while (rs.next()) {
                    offsets.put(new Partition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        timeline.load(db);
        episodes.load(db);
        causes = new ResyncCauses(SILENCE, HOST_BACK_WINDOW);
        db.commit();
        loaded = true;
    }

    /** Where each partition resumes: the consumer seeks there when it is assigned the partition. */
    public Map<Partition, Long> offsets() {
        return Map.copyOf(offsets);
    }

    public HistoryStore store() {
        return store;
    }

    /**
     * Stores a batch whole, or nothing of it: on a failed commit the sink reads its state back
     * from the database and throws, and the caller reads the records again from the stored offsets.
     */
    public void write(List<SinkRecord> records) throws SQLException {
        if (!loaded) {
            load();
        }
        HistoryBatch batch = new HistoryBatch();
        Map<Partition, Long> next =
                new TreeMap<>(java.util.Comparator.comparing(Partition::topic).thenComparingInt(Partition::partition));
        for (SinkRecord r : records) {
            long resumeAt = next.computeIfAbsent(r.partition(), p -> offsets.getOrDefault(p, 0L));
            if (r.offset() < resumeAt) {
                continue;
            }
            next.put(r.partition(), r.offset() + 1);
            batch.read(r.partition(), r.offset());
            if (r instanceof SinkRecord.Telemetry t) {
                telemetry(t.envelope(), batch);
            } else if (r instanceof SinkRecord.AlertChange a) {
                if (a.alert().change() != AlertChange.RESEND) {
                    batch.add(HistoryTable.ALERT_CHANGES, alertRow(a.alert()));
                }
            } else if (r instanceof SinkRecord.Audit a) {
                batch.add(HistoryTable.FAILOVER_AUDIT, auditRow(a.entry()));
            } else {
                metrics.unreadable();
            }
        }
        if (batch.offsets().isEmpty()) {
            return;
        }
        try {
            long began = System.nanoTime();
            store.commit(batch);
            metrics.commit().record(Duration.ofNanos(System.nanoTime() - began));
        } catch (SQLException | RuntimeException e) {
            load();
            throw e;
        }
        offsets.putAll(batch.offsets());
        metrics.written(batch);
    }

    private void telemetry(Envelope e, HistoryBatch batch) {
        NodeKey node = new NodeKey(e.cluster(), e.node());
        if (e.seq() <= marks.getOrDefault(node, -1L)) {
            return;
        }
        marks.put(node, e.seq());
        batch.mark(node, e.seq());
        if (e.body() instanceof DrbdResource r) {
            for (PeerVolume v : ReplicationRows.volumes(e, r)) {
                batch.add(HistoryTable.REPLICATION_SAMPLES, ReplicationRows.sample(v));
                episodes.observe(v, () -> causes.cause(v, ResyncEpisodes.keyOf(v), timeline))
                        .ifPresent(batch::episode);
                if (timeline.changed(v)) {
                    batch.add(HistoryTable.DRBD_STATE_CHANGES, ReplicationRows.stateChange(v));
                }
                causes.observe(v);
            }
        }
        causes.heard(e);
    }

    private static Object[] alertRow(Alert a) {
        return new Object[] {
            a.label("cluster").orElse(null),
            a.fingerprint(),
            a.label("alertname").orElse(a.rule()),
            a.label("severity").orElse(null),
            a.state().wire(),
            a.version(),
            a.change().wire(),
            new String(WireCodec.encode(new TreeMap<>(a.labels())), java.nio.charset.StandardCharsets.UTF_8),
            a.activeAt().toEpochMilli(),
            millis(a.firedAt().orElse(null)),
            millis(a.resolvedAt().orElse(null)),
            a.sentAt().toEpochMilli()
        };
    }

    private static Object[] auditRow(AuditEntry a) {
        return new Object[] {
            a.cluster(),
            a.sagaId(),
            a.resource(),
            a.at().toEpochMilli(),
            a.kind().wire(),
            a.phase(),
            a.text(),
            a.actionId().orElse(null)
        };
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }
}
