package io.vigil.app;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.history.api.HistoryApi;
import io.vigil.history.query.DuckDbHistory;
import io.vigil.history.query.HistoryRetention;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.config.EngineConfigLoader;
import io.vigil.rules.rule.RuleLoadException;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.stream.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil engine}: the rules engine against any Kafka, until stopped. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Runs an engine instance: evaluates the rules on the telemetry in Kafka and publishes alert changes",
                "to vigil.alerts; serves /api/alerts, /api/silences, /api/history/* and /metrics. Instances with the same application_id",
                "share the work. Refuses to start on a config or rule problem, naming each. Stops on SIGTERM or Ctrl-C."},
        footer = {"", "Example: vigil engine --config /etc/vigil/engine.yaml (see deploy/engine.yaml)"})
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry (text format 0.0.4) is the one the project uses
final class EngineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile config;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Optional<EngineConfig> loaded = config.load(EngineConfigLoader::load, "deploy/engine.yaml");
        if (loaded.isEmpty()) {
            return 2;
        }
        EngineConfig engineConfig = loaded.get();
        RuleSet rules;
        try {
            rules = RuleLoader.load(engineConfig.rules());
        } catch (RuleLoadException e) {
            e.problems().forEach(p -> err.println(p.describe()));
            err.println("vigil engine: not started: the rule files have " + e.problems().size()
                    + " problem(s) (vigil rules check " + String.join(" ", engineConfig.rules().stream().map(Path::toString).toList())
                    + " shows them too)");
            return 2;
        }
        Path historyFile = engineConfig.stateDir().resolve(DuckDbHistory.FILE_NAME);
        DuckDbHistory history;
        try {
            Files.createDirectories(engineConfig.stateDir());
            history = DuckDbHistory.open(historyFile);
        } catch (IOException | SQLException e) {
            err.println("vigil engine: not started: the history " + historyFile + " cannot be opened: " + e.getMessage()
                    + " (is another engine using this state_dir? each instance needs its own)");
            return 2;
        }
        try (history;
             UntilStopped running = UntilStopped.install("engine");
             Engine engine = Engine.start(engineConfig, rules, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                     new HistoryApi(history, HistoryRetention.DEFAULT, Clock.systemUTC()).routes())) {
            running.await();
        } catch (IllegalStateException e) {
            err.println("vigil engine: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            // the API's port is taken, or its address is not this host's
            err.println("vigil engine: not started: " + e.getMessage() + " (http.listen in " + config.path() + ")");
            return 2;
        }
        return 0;
    }
}
