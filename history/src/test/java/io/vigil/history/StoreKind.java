package io.vigil.history;

import java.nio.file.Path;

/** The two stores every sink test runs against: a DuckDB file, and a database on a real PostgreSQL server. */
public enum StoreKind {
    DUCKDB,
    POSTGRESQL;

    private static PostgresServer server;

    HistoryConfig.Store config(Path dir) {
        return switch (this) {
            case DUCKDB -> new HistoryConfig.Store.DuckDbFile(dir.resolve("history.duckdb"));
            case POSTGRESQL -> postgres().newDatabase();
        };
    }

    public HistoryStore open(Path dir) {
        return HistoryStore.open(config(dir));
    }

    /** One server for the test JVM, stopped when it exits. */
    private static synchronized PostgresServer postgres() {
        if (server == null) {
            server = PostgresServer.start();
            PostgresServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "postgres-stop"));
        }
        return server;
    }
}
