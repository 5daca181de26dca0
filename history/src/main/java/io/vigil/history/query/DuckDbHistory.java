package io.vigil.history.query;

import io.vigil.history.HistorySchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/**
 * A history in a DuckDB file, opened once for the process (DuckDB lets one process hold a file;
 * within it, connections are duplicates of the first, sharing its instance and cache). Each
 * {@link #connect()} is such a duplicate, for one question on one thread.
 */
public final class DuckDbHistory implements HistoryDatabase, AutoCloseable {
    /** The history's file in a process's data directory (the engine's state directory, the lab's). */
    public static final String FILE_NAME = "history.duckdb";

    private final DuckDBConnection root;

    private DuckDbHistory(DuckDBConnection root) {
        this.root = root;
    }

    /** Opens {@code file}, creating it and its tables when missing. */
    public static DuckDbHistory open(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        try {
            HistorySchema.create(c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new DuckDbHistory(c.unwrap(DuckDBConnection.class));
    }

    @Override
    public Connection connect() throws SQLException {
        return root.duplicate();
    }

    @Override
    public void close() throws SQLException {
        root.close();
    }
}
