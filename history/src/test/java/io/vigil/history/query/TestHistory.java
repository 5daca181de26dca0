package io.vigil.history.query;

import io.vigil.history.HistoryStore;
import io.vigil.history.StoreKind;
import java.nio.file.Path;

/**
 * The history a query test reads: a DuckDB file in the test's directory, or a fresh database on
 * the real PostgreSQL server the tests start, so that the same tests prove the SQL on both.
 */
final class TestHistory implements AutoCloseable {
    private final HistoryDatabase db;
    private final AutoCloseable close;

    private TestHistory(HistoryDatabase db, AutoCloseable close) {
        this.db = db;
        this.close = close;
    }

    static TestHistory open(Path dir, StoreKind kind) {
        HistoryStore store = kind.open(dir);
        return new TestHistory(store::reader, store);
    }

    HistoryDatabase db() {
        return db;
    }

    @Override
    public void close() throws Exception {
        close.close();
    }
}
