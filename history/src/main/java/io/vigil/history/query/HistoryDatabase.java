package io.vigil.history.query;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the queries read: one connection per question, closed by the caller. The DuckDB file
 * hands out duplicates of the one connection its process holds (a DuckDB file is opened once
 * per process, and the sink writes through the same instance); PostgreSQL a new connection.
 */
@FunctionalInterface
public interface HistoryDatabase {
    Connection connect() throws SQLException;
}
