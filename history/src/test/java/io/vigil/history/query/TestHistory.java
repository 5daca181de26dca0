package io.vigil.history.query;

import io.vigil.history.HistorySchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The history a query test reads: a DuckDB file in the test's directory, or, when the system
 * property {@code vigil.test.postgres} gives a JDBC URL, a fresh schema on that PostgreSQL
 * server (dropped at close), so that the same tests prove the SQL on both databases.
 */
final class TestHistory implements AutoCloseable {
    static final String POSTGRES = "vigil.test.postgres";

    private final HistoryDatabase db;
    private final AutoCloseable close;

    private TestHistory(HistoryDatabase db, AutoCloseable close) {
        this.db = db;
        this.close = close;
    }

    static TestHistory open(Path dir) throws SQLException {
        String postgres = System.getProperty(POSTGRES, "");
        if (postgres.isEmpty()) {
            DuckDbHistory duck = DuckDbHistory.open(dir.resolve("history.duckdb"));
            return new TestHistory(duck, duck);
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(postgres); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Connection c = DriverManager.getConnection(url)) {
            HistorySchema.create(c);
        }
        return new TestHistory(() -> DriverManager.getConnection(url), () -> {
            try (Connection c = DriverManager.getConnection(postgres); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        });
    }

    HistoryDatabase db() {
        return db;
    }

    @Override
    public void close() throws Exception {
        close.close();
    }
}
