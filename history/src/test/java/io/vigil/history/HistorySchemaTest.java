package io.vigil.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistorySchemaTest {
    @Test
    void aDuckDbFileGetsEveryTableOnceAndKeepsThemOnReopen(@TempDir Path dir) throws SQLException {
        String url = "jdbc:duckdb:" + dir.resolve("history.duckdb");
        try (Connection db = DriverManager.getConnection(url)) {
            HistorySchema.create(db);
            db.createStatement().execute("INSERT INTO ingest_marks VALUES ('pair-1', 'node-a', 7)");
        }
        try (Connection db = DriverManager.getConnection(url)) {
            HistorySchema.create(db);
            var rs = db.createStatement().executeQuery("SELECT last_seq, (SELECT count(*) FROM schema_version) FROM ingest_marks");
            assertTrue(rs.next());
            assertEquals(7, rs.getLong(1), "a reopened history keeps its rows");
            assertEquals(1, rs.getLong(2), "the schema's version is written once");
        }
    }

    @Test
    void aHistoryWrittenByANewerSchemaIsRefusedWithWhatToDo(@TempDir Path dir) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb"))) {
            HistorySchema.create(db);
            db.createStatement().execute("INSERT INTO schema_version VALUES (" + (HistorySchema.VERSION + 1) + ")");
            SQLException refused = assertThrows(SQLException.class, () -> HistorySchema.create(db));
            assertTrue(refused.getMessage().contains("upgrade Vigil"), refused.getMessage());
        }
    }
}
