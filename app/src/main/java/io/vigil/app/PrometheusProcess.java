package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real Prometheus (Debian's prometheus package) on 127.0.0.1 as a Vigil user runs it: it scrapes
 * the agents' /metrics as deploy/prometheus/prometheus.yml does (job vigil-agent, each target
 * labelled with its cluster and node), evaluates deploy/prometheus/vigil-alerts.yml (the jar
 * carries it) and sends its alerts to an Alertmanager. Its config, data and log live in the
 * directory it is given; it is killed at close.
 */
final class PrometheusProcess implements AutoCloseable {
    static final String RULES = "vigil-alerts.yml";

    /** An agent's metrics address (host:port) and the cluster and node vigil-agents.yml would label it with. */
    record Target(String address, String cluster, String node) {
    }

    /** How often Prometheus scrapes and evaluates; empty is Prometheus's own default, a minute. */
    record Intervals(Optional<Duration> scrape, Optional<Duration> evaluation) {
        static final Duration PROMETHEUS_DEFAULT = Duration.ofMinutes(1);

        Duration scrapeOrDefault() {
            return scrape.orElse(PROMETHEUS_DEFAULT);
        }

        Duration evaluationOrDefault() {
            return evaluation.orElse(PROMETHEUS_DEFAULT);
        }

        String describe() {
            return "scrape " + DurationText.format(scrapeOrDefault()) + (scrape.isEmpty() ? " (default)" : "") + ", evaluation "
                    + DurationText.format(evaluationOrDefault()) + (evaluation.isEmpty() ? " (default)" : "");
        }
    }

    private final ServerProcess server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusProcess(ServerProcess server) {
        this.server = server;
    }

    static PrometheusProcess start(Path dir, List<Target> agents, URI alertmanager, Intervals intervals) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("prometheus.yml"), config(agents, alertmanager, intervals), StandardCharsets.UTF_8);
            try (InputStream rules = PrometheusProcess.class.getResourceAsStream("prometheus/" + RULES)) {
                if (rules == null) {
                    throw new IllegalStateException("deploy/prometheus/" + RULES + " is not in the jar; rebuild with mvn package");
                }
                Files.write(dir.resolve(RULES), rules.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus's config could not be written in " + dir + " (" + e.getMessage() + ")", e);
        }
        return new PrometheusProcess(ServerProcess.start("prometheus", "prometheus", port -> List.of(
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log")));
    }

    /** prometheus.yml: the intervals only when given (Prometheus's defaults otherwise), the rules, Alertmanager, the agents. */
    static String config(List<Target> agents, URI alertmanager, Intervals intervals) {
        StringBuilder yml = new StringBuilder("global:\n");
        intervals.scrape().ifPresent(d -> yml.append("  scrape_interval: ").append(DurationText.format(d)).append('\n'));
        intervals.evaluation().ifPresent(d -> yml.append("  evaluation_interval: ").append(DurationText.format(d)).append('\n'));
        yml.append("rule_files: [").append(RULES).append("]\n");
        yml.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"")
                .append(alertmanager.getHost()).append(':').append(alertmanager.getPort()).append("\"]\n");
        yml.append("scrape_configs:\n  - job_name: vigil-agent\n    honor_labels: true\n    static_configs:\n");
        for (Target agent : agents) {
            yml.append("      - targets: [\"").append(agent.address()).append("\"]\n")
                    .append("        labels: {cluster: \"").append(agent.cluster()).append("\", node: \"").append(agent.node()).append("\"}\n");
        }
        return yml.toString();
    }

    /** Whether every target has been scraped, and successfully: Prometheus knows the cluster's state before a fault. */
    boolean scrapedEveryTarget() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/targets?state=active"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return false;
        }
        JsonNode targets = WireCodec.json().readTree(response.body()).path("data").path("activeTargets");
        if (targets.isEmpty()) {
            return false;
        }
        for (JsonNode target : targets) {
            if (!target.path("health").asText().equals("up")) {
                return false;
            }
        }
        return true;
    }

    URI url() {
        return server.url();
    }

    String logTail() {
        return server.logTail();
    }

    @Override
    public void close() {
        server.close();
    }
}
