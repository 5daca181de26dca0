package io.vigil.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistorySchemaTest {
    @Test
    void aDuckDbFileGetsEveryTableOnceAndKeepsThemOnReopen(@TempDir Path dir) throws SQLException {
        String url = "jdbc:duckdb:" + dir.resolve("history.duckdb");
        try (Connection db = DriverManager.getConnection(url)) {
            HistorySchema.create(db, SqlDialect.DUCKDB);
            db.createStatement().execute("INSERT INTO ingest_marks VALUES ('pair-1', 'node-a', 7)");
        }
        try (Connection db = DriverManager.getConnection(url)) {
            HistorySchema.create(db, SqlDialect.DUCKDB);
            var rs = db.createStatement()
                    .executeQuery("SELECT last_seq, (SELECT count(*) FROM schema_version) FROM ingest_marks");
            assertTrue(rs.next());
            assertEquals(7, rs.getLong(1), "a reopened history keeps its rows");
            assertEquals(1, rs.getLong(2), "the schema's version is written once");
        }
    }

    @Test
    void aHistoryWrittenByANewerSchemaIsRefusedWithWhatToDo(@TempDir Path dir) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb"))) {
            HistorySchema.create(db, SqlDialect.DUCKDB);
            db.createStatement().execute("INSERT INTO schema_version VALUES (" + (HistorySchema.VERSION + 1) + ")");
            SQLException refused = assertThrows(SQLException.class, () -> HistorySchema.create(db, SqlDialect.DUCKDB));
            assertTrue(refused.getMessage().contains("upgrade Vigil"), refused.getMessage());
        }
    }

    /**
     * DuckDB's planner answers a resource's range from the zone maps on ts_ms and never from an
     * ART index on (cluster, resource, ts_ms) (EXPLAIN shows a sequential scan either way), while
     * keeping that index up to date was most of each batch's commit: a DuckDB history keeps none,
     * and a file an older Vigil wrote loses its index at open, rows kept.
     */
    @Test
    void aDuckDbHistoryKeepsNoRangeIndexAndDropsTheOneAnOlderVigilMade(@TempDir Path dir) throws SQLException {
        Path file = dir.resolve("history.duckdb");
        try (DuckDbHistoryStore store = DuckDbHistoryStore.open(file)) {
            assertEquals(List.of(), rangeIndexes(store.connection()), "a new DuckDB history");
            var s = store.connection().createStatement();
            // as the previous version created them
            s.execute("CREATE INDEX replication_samples_by_resource ON replication_samples (cluster, resource, ts_ms)");
            s.execute("CREATE INDEX drbd_state_changes_by_resource ON drbd_state_changes (cluster, resource, ts_ms)");
            s.execute("INSERT INTO ingest_marks VALUES ('pair-1', 'node-a', 7)");
            store.connection().commit();
        }
        try (DuckDbHistoryStore store = DuckDbHistoryStore.open(file)) {
            assertEquals(List.of(), rangeIndexes(store.connection()), "a history the previous version wrote, reopened");
            var rs = store.connection().createStatement().executeQuery("SELECT last_seq FROM ingest_marks");
            assertTrue(rs.next());
            assertEquals(7, rs.getLong(1), "the reopened history keeps its rows");
            store.connection().commit();
        }
    }

    @Test
    void aPostgresHistoryKeepsItsRangeIndexes(@TempDir Path dir) throws SQLException {
        try (HistoryStore store = StoreKind.POSTGRESQL.open(dir)) {
            List<String> indexes = new ArrayList<>();
            var rs = store.connection()
                    .createStatement()
                    .executeQuery(
                            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_by_resource' ORDER BY indexname");
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
            store.connection().commit();
            assertEquals(
                    List.of("drbd_state_changes_by_resource", "replication_samples_by_resource"),
                    indexes,
                    "PostgreSQL's B-trees are what answer a resource's range there");
        }
    }

    private static List<String> rangeIndexes(Connection db) throws SQLException {
        List<String> indexes = new ArrayList<>();
        var rs = db.createStatement()
                .executeQuery("SELECT index_name FROM duckdb_indexes()"
                        + " WHERE table_name IN ('replication_samples', 'drbd_state_changes') ORDER BY index_name");
        while (rs.next()) {
            indexes.add(rs.getString(1));
        }
        db.commit();
        return indexes;
    }
}
