package io.vigil.app;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.cli.ConfigFile;
import io.vigil.cli.UntilStopped;
import io.vigil.history.History;
import io.vigil.history.HistoryConfig;
import io.vigil.history.api.HistoryApi;
import io.vigil.history.query.StoredResolutions;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.rule.RuleLoadException;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.stream.Engine;
import io.vigil.service.http.HttpEndpoint.Route;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil engine}: the rules engine against any Kafka, until stopped. */
@Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        description = {
            "Runs an engine instance: evaluates the rules on the telemetry in Kafka and publishes alert changes "
                    + "to vigil.alerts; keeps the history (DRBD replication, resyncs, alerts, the failover audit) in state_dir/history.duckdb "
                    + "or the history: section's PostgreSQL; serves /api/alerts, /api/silences, /api/history/* and /metrics. Instances with the same application_id "
                    + "share the work. Refuses to start on a config or rule problem, naming each. Stops on SIGTERM or Ctrl-C."
        },
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
        Optional<EngineSettings> loaded = config.load(EngineSettings::load, "deploy/engine.yaml");
        if (loaded.isEmpty()) {
            return 2;
        }
        EngineConfig engineConfig = loaded.get().engine();
        HistoryConfig historyConfig = loaded.get().history();
        RuleSet rules;
        try {
            rules = RuleLoader.load(engineConfig.rules());
        } catch (RuleLoadException e) {
            e.problems().forEach(p -> err.println(p.describe()));
            err.println("vigil engine: not started: the rule files have "
                    + e.problems().size()
                    + " problem(s) (vigil rules check "
                    + String.join(
                            " ",
                            engineConfig.rules().stream().map(Path::toString).toList())
                    + " shows them too)");
            return 2;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the history opens first: a history file held by another process stops the start, not a running engine
        Optional<History> history;
        try {
            history = historyConfig.enabled()
                    ? Optional.of(History.start(historyConfig, engineConfig.kafka(), registry))
                    : Optional.empty();
        } catch (IllegalStateException e) {
            err.println("vigil engine: not started: " + e.getMessage());
            return 1;
        }
        Map<String, Route> historyRoutes = history.map(
                        h -> new HistoryApi(h::reader, StoredResolutions.of(h.retention()), Clock.systemUTC()).routes())
                .orElse(Map.of());
        try (UntilStopped running = UntilStopped.install("engine");
                AutoCloseable closesHistory = () -> history.ifPresent(History::close);
                Engine engine = Engine.start(engineConfig, rules, registry, historyRoutes)) {
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
