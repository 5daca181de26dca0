package io.vigil.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The history in a PostgreSQL database, for a history that outgrows one file or is shared by
 * several sinks. Rows are sent as batched inserts, rewritten by the driver into multi-row
 * statements ({@code reWriteBatchedInserts}).
 */
public final class PostgresHistoryStore implements HistoryStore {
    private final String url;
    private final Properties properties;
    private final Connection db;

    private PostgresHistoryStore(String url, Properties properties, Connection db) {
        this.url = url;
        this.properties = properties;
        this.db = db;
    }

    public static PostgresHistoryStore open(HistoryConfig.Store.Jdbc jdbc) {
        Properties properties = new Properties();
        jdbc.user().ifPresent(u -> properties.setProperty("user", u));
        jdbc.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("ApplicationName", "vigil-history");
        Connection db;
        try {
            db = DriverManager.getConnection(jdbc.url(), properties);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "history database " + jdbc.url() + " cannot be reached: " + e.getMessage()
                            + " (check that the server is up and that history.user and its password are right)",
                    e);
        }
        try {
            HistorySchema.create(db, SqlDialect.POSTGRESQL);
            db.setAutoCommit(false);
            return new PostgresHistoryStore(jdbc.url(), properties, db);
        } catch (SQLException e) {
            try {
                db.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw new IllegalStateException(
                    "history database " + jdbc.url() + ": " + e.getMessage()
                            + " (the user needs to create tables in its default schema)",
                    e);
        }
    }

    @Override
    public Connection connection() {
        return db;
    }

    @Override
    public Connection reader() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    public boolean sharedByInstances() {
        return true;
    }

    @Override
    public String describe() {
        return url;
    }

    @Override
    public void appendRows(HistoryTable table, List<Object[]> rows) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(table.insert())) {
            int pending = 0;
            for (Object[] row : rows) {
                HistoryStore.bindRow(s, row);
                s.addBatch();
                if (++pending == 1000) {
                    s.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                s.executeBatch();
            }
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing: nothing is left to save
        }
    }
}
