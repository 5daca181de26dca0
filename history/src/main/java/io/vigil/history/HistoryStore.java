package io.vigil.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the history is kept: an embedded DuckDB file, or a PostgreSQL database. One writer
 * connection; {@link #commit(HistoryBatch)} stores a batch whole or not at all. The tables are
 * created (or checked) at open by {@link HistorySchema#create}.
 */
public sealed interface HistoryStore extends AutoCloseable permits DuckDbHistoryStore, PostgresHistoryStore {

    /** Opens the store the config names; throws IllegalStateException saying what is wrong and what to do. */
    static HistoryStore open(HistoryConfig.Store store) {
        if (store instanceof HistoryConfig.Store.Jdbc jdbc) {
            return PostgresHistoryStore.open(jdbc);
        }
        return DuckDbHistoryStore.open(((HistoryConfig.Store.DuckDbFile) store).file());
    }

    /** The writer connection (autocommit off): the sink reads its state through it at open. */
    Connection connection();

    /**
     * A connection of its own for one question on one thread, closed by the caller: a duplicate
     * of the writer's DuckDB instance (a DuckDB file is opened once per process), or a new
     * PostgreSQL connection. Readers see what the writer committed.
     */
    Connection reader() throws SQLException;

    SqlDialect dialect();

    /** The file or URL, for log lines and errors. */
    String describe();

    /**
     * Whether several engine instances write this one store, each its share of the partitions
     * (a database server), or each instance keeps a whole history of its own (a file beside it).
     */
    boolean sharedByInstances();

    /** Appends rows to a table inside the transaction under way. */
    void appendRows(HistoryTable table, List<Object[]> rows) throws SQLException;

    @Override
    void close();

    /**
     * Stores the batch in one transaction: offsets and marks, then rows, then episodes; on any
     * failure rolls all of it back and throws.
     */
    default void commit(HistoryBatch batch) throws SQLException {
        Connection db = connection();
        try {
            // a statement first: DuckDB's appender joins a transaction only once a statement has begun it
            upsert(
                    db,
                    batch.offsets(),
                    "UPDATE ingest_offsets SET next_offset = ? WHERE topic = ? AND kafka_partition = ?",
                    (s, p, offset) -> {
                        s.setLong(1, offset);
                        s.setString(2, p.topic());
                        s.setInt(3, p.partition());
                    },
                    "INSERT INTO ingest_offsets VALUES (?, ?, ?) ON CONFLICT (topic, kafka_partition)"
                            + " DO UPDATE SET next_offset = EXCLUDED.next_offset",
                    (s, p, offset) -> {
                        s.setString(1, p.topic());
                        s.setInt(2, p.partition());
                        s.setLong(3, offset);
                    });
            upsert(
                    db,
                    batch.marks(),
                    "UPDATE ingest_marks SET last_seq = ? WHERE cluster = ? AND node = ?",
                    (s, n, seq) -> {
                        s.setLong(1, seq);
                        s.setString(2, n.cluster());
                        s.setString(3, n.node());
                    },
                    "INSERT INTO ingest_marks VALUES (?, ?, ?) ON CONFLICT (cluster, node) DO UPDATE SET last_seq = EXCLUDED.last_seq",
                    (s, n, seq) -> {
                        s.setString(1, n.cluster());
                        s.setString(2, n.node());
                        s.setLong(3, seq);
                    });
            for (Map.Entry<HistoryTable, List<Object[]>> rows : batch.rows().entrySet()) {
                appendRows(rows.getKey(), rows.getValue());
            }
            upsert(
                    db,
                    batch.episodes(),
                    ResyncEpisodeRows.UPDATE,
                    (s, id, e) -> ResyncEpisodeRows.bindUpdate(s, e),
                    ResyncEpisodeRows.UPSERT,
                    (s, id, e) -> ResyncEpisodeRows.bind(s, e));
            db.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * Stores each entry by an UPDATE of its row, and inserts those that have none yet: nearly
     * every batch moves marks and offsets that exist, and DuckDB runs a plain UPDATE several times
     * faster than an INSERT .. ON CONFLICT (which stays for the new rows, and for a concurrent
     * sink on PostgreSQL inserting the same key first).
     */
    private static <K, V> void upsert(
            Connection db,
            Map<K, V> values,
            String update,
            Binder<K, V> updateBinder,
            String insert,
            Binder<K, V> insertBinder)
            throws SQLException {
        if (values.isEmpty()) {
            try (var s = db.createStatement()) {
                s.execute("SELECT 1");
            }
            return;
        }
        Map<K, V> missing = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement(update)) {
            for (Map.Entry<K, V> e : values.entrySet()) {
                updateBinder.bind(s, e.getKey(), e.getValue());
                if (s.executeUpdate() == 0) {
                    missing.put(e.getKey(), e.getValue());
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement s = db.prepareStatement(insert)) {
            for (Map.Entry<K, V> e : missing.entrySet()) {
                insertBinder.bind(s, e.getKey(), e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Sets one row's values on a prepared insert, by Java type; null is SQL NULL (unknown). */
    static void bindRow(PreparedStatement s, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            if (v == null) {
                s.setNull(i + 1, Types.NULL);
            } else if (v instanceof String text) {
                s.setString(i + 1, text);
            } else if (v instanceof Integer n) {
                s.setInt(i + 1, n);
            } else if (v instanceof Long n) {
                s.setLong(i + 1, n);
            } else if (v instanceof Double d) {
                s.setDouble(i + 1, d);
            } else if (v instanceof Boolean b) {
                s.setBoolean(i + 1, b);
            } else {
                throw new IllegalArgumentException(
                        "column " + (i + 1) + ": cannot store a " + v.getClass().getSimpleName());
            }
        }
    }

    @FunctionalInterface
    interface Binder<K, V> {
        void bind(PreparedStatement s, K key, V value) throws SQLException;
    }
}
