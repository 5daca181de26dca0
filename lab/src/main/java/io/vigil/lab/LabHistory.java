package io.vigil.lab;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.history.History;
import io.vigil.history.HistoryConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab engine's history, in the lab's data directory ({@code history.duckdb}) so that scenarios
 * played yesterday are queried today. The lab runs on without it when it cannot be opened (another
 * lab holds the file), saying so: the lab is for playing, not for keeping.
 */
final class LabHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LabHistory.class);

    private final Optional<History> history;

    private LabHistory(Optional<History> history) {
        this.history = history;
    }

    static LabHistory start(Path dataDir, String bootstrapServers, MeterRegistry registry) {
        try {
            return new LabHistory(Optional.of(History.start(HistoryConfig.inStateDir(dataDir), Map.of("bootstrap.servers", bootstrapServers),
                    registry)));
        } catch (IllegalStateException e) {
            log.warn("lab: running without history: {}", e.getMessage());
            return new LabHistory(Optional.empty());
        }
    }

    @Override
    public void close() {
        history.ifPresent(History::close);
    }
}
