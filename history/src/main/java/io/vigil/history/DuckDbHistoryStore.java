package io.vigil.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The history in an embedded DuckDB file, rows ingested through DuckDB's appender. DuckDB lets
 * one process at a time open a file for writing: a second engine or lab on the same file is
 * refused at open with the file named.
 */
public final class DuckDbHistoryStore implements HistoryStore {
    private final Path file;
    private final DuckDBConnection db;

    private DuckDbHistoryStore(Path file, DuckDBConnection db) {
        this.file = file;
        this.db = db;
    }

    public static DuckDbHistoryStore open(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "history: cannot create the directory " + absolute.getParent() + " for " + absolute, e);
        }
        Connection db;
        try {
            db = DriverManager.getConnection("jdbc:duckdb:" + absolute);
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Could not set lock")) {
                // DuckDB names the holder: "Conflicting lock is held in /usr/bin/java (PID 812). See also ..."
                int held = message.indexOf("Conflicting lock is held in ");
                int end = message.indexOf(". See also", Math.max(held, 0));
                String holder = held < 0 ? "" : " (" + message.substring(held, end < 0 ? message.length() : end) + ")";
                throw new IllegalStateException(
                        "history file " + absolute + " is in use by another process" + holder
                                + ": one engine or lab writes a history file; stop the other one, or give this one its own"
                                + " (history.file, or another state_dir / --data-dir)",
                        e);
            }
            throw new IllegalStateException(
                    "history file " + absolute + " cannot be opened: " + message
                            + " (move it aside to start a new history, or restore it from a backup)",
                    e);
        }
        try {
            HistorySchema.create(db, SqlDialect.DUCKDB);
            db.setAutoCommit(false);
            return new DuckDbHistoryStore(absolute, db.unwrap(DuckDBConnection.class));
        } catch (SQLException e) {
            closeQuietly(db);
            throw new IllegalStateException("history file " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Connection connection() {
        return db;
    }

    @Override
    public Connection reader() throws SQLException {
        // a duplicate starts as the writer's connection is (no auto-commit): a reader holds no transaction open
        Connection reader = db.duplicate();
        reader.setAutoCommit(true);
        return reader;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.DUCKDB;
    }

    @Override
    public boolean sharedByInstances() {
        return false;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public void appendRows(HistoryTable table, List<Object[]> rows) throws SQLException {
        try (DuckDBAppender appender = db.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table.table())) {
            for (Object[] row : rows) {
                appender.beginRow();
                for (int i = 0; i < row.length; i++) {
                    append(appender, table, i, row[i]);
                }
                appender.endRow();
            }
        }
    }

    private static void append(DuckDBAppender appender, HistoryTable table, int column, Object v) throws SQLException {
        if (v == null) {
            appender.appendNull();
        } else if (v instanceof String text) {
            appender.append(text);
        } else if (v instanceof Integer n) {
            appender.append(n.intValue());
        } else if (v instanceof Long n) {
            appender.append(n.longValue());
        } else if (v instanceof Double d) {
            appender.append(d.doubleValue());
        } else if (v instanceof Boolean b) {
            appender.append(b.booleanValue());
        } else {
            throw new IllegalArgumentException(table.table() + " column " + (column + 1) + ": cannot store a "
                    + v.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        closeQuietly(db);
    }

    private static void closeQuietly(Connection db) {
        try {
            db.close();
        } catch (SQLException e) {
            // closing: nothing is left to save
        }
    }
}
