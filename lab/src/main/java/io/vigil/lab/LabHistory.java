package io.vigil.lab;

import io.vigil.history.api.HistoryApi;
import io.vigil.history.query.DuckDbHistory;
import io.vigil.history.query.HistoryRetention;
import io.vigil.service.http.HttpEndpoint.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's history: a DuckDB file in the engine's state directory under the lab's data directory,
 * kept between runs, served on the lab engine's API as /api/history/*. Whichever JVM runs the
 * engine holds it (DuckDB lets one process hold a file), and closes it with the engine.
 */
final class LabHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LabHistory.class);
    private final Path file;
    private final DuckDbHistory db;

    private LabHistory(Path file, DuckDbHistory db) {
        this.file = file;
        this.db = db;
    }

    static LabHistory open(Path dataDir) {
        Path file = dataDir.resolve("engine").resolve(DuckDbHistory.FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
            return new LabHistory(file, DuckDbHistory.open(file));
        } catch (IOException e) {
            throw new UncheckedIOException("the lab's history " + file + " cannot be opened: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("the lab's history " + file + " cannot be opened: " + e.getMessage()
                    + " (is another lab using " + dataDir + "?)", e);
        }
    }

    Map<String, Route> routes() {
        return new HistoryApi(db, HistoryRetention.DEFAULT, Clock.systemUTC()).routes();
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("the lab's history {} did not close cleanly: {} (it is checkpointed again when next opened)", file, e.getMessage());
        }
    }
}
