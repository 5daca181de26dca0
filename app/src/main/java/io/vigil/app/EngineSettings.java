package io.vigil.app;

import io.vigil.history.HistoryConfig;
import io.vigil.history.HistoryConfigReader;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.config.EngineConfigLoader;
import io.vigil.service.config.ConfigDocument;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * engine.yaml as {@code vigil engine} reads it: the engine's sections and {@code history:} (on by
 * default, in the state directory), every problem of both reported at once.
 */
record EngineSettings(EngineConfig engine, HistoryConfig history) {
    static EngineSettings load(Path file) throws ConfigException, IOException {
        return parse(
                file.toString(), ConfigText.read(file), file.toAbsolutePath().getParent(), System.getenv());
    }

    static EngineSettings parse(String source, String text, Path dir, Map<String, String> env) throws ConfigException {
        ConfigDocument document = EngineConfigLoader.document(source, text);
        EngineConfig engine = EngineConfigLoader.read(document, dir, env);
        HistoryConfig history =
                HistoryConfigReader.read(document.top().section("history"), dir, engine.stateDir(), env);
        document.finish();
        return new EngineSettings(engine, history);
    }
}
