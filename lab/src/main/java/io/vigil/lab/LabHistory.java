package io.vigil.lab;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.history.History;
import io.vigil.history.HistoryConfig;
import io.vigil.history.api.HistoryApi;
import io.vigil.history.query.StoredResolutions;
import io.vigil.service.http.HttpEndpoint.Route;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab engine's history, in the lab's data directory ({@code history.duckdb}) so that scenarios
 * played yesterday are queried today, served on the lab engine's API as /api/history/*. Whichever
 * JVM runs the engine holds it (DuckDB lets one process hold a file) and closes it with the
 * engine. The lab runs on without it when it cannot be opened (another lab holds the file),
 * saying so: the lab is for playing, not for keeping.
 */
final class LabHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LabHistory.class);

    private final Optional<History> history;

    private LabHistory(Optional<History> history) {
        this.history = history;
    }

    static LabHistory start(Path dataDir, String bootstrapServers, MeterRegistry registry) {
        try {
            return new LabHistory(Optional.of(History.start(
                    HistoryConfig.inStateDir(dataDir), Map.of("bootstrap.servers", bootstrapServers), registry)));
        } catch (IllegalStateException e) {
            log.warn("lab: running without history: {}", e.getMessage());
            return new LabHistory(Optional.empty());
        }
    }

    /** The engine API's /api/history/* routes, or none when the lab runs without its history. */
    Map<String, Route> routes() {
        return history.map(
                        h -> new HistoryApi(h::reader, StoredResolutions.of(h.retention()), Clock.systemUTC()).routes())
                .orElse(Map.of());
    }

    @Override
    public void close() {
        history.ifPresent(History::close);
    }
}
