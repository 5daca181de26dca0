package io.vigil.lab.prom;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus (Debian's prometheus package) on 127.0.0.1, doing what its
 * {@link PrometheusConfig} says: the page bench's, scraping the agents as
 * deploy/prometheus/prometheus.yml does and evaluating vigil-alerts.yml into an Alertmanager, and
 * the dashboards' test's, scraping the agents and the engine every second. Its config, data and
 * log live in the directory it is given; it is stopped at close.
 */
public final class PrometheusProcess implements AutoCloseable {
    private final ServerProcess server;

    private PrometheusProcess(ServerProcess server) {
        this.server = server;
    }

    /** Writes {@code config} (and its rule file) into {@code dir} and starts Prometheus on it; returns once it is ready. */
    public static PrometheusProcess start(Path dir, PrometheusConfig config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("prometheus.yml"), config.yaml(), StandardCharsets.UTF_8);
            if (config.rules().isPresent()) {
                Files.writeString(
                        dir.resolve(config.rules().get().name()),
                        config.rules().get().text(),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Prometheus's config could not be written in " + dir + " (" + e.getMessage() + ")", e);
        }
        return new PrometheusProcess(ServerProcess.start(
                "prometheus",
                "prometheus",
                port -> List.of(
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port),
                dir.resolve("prometheus.log")));
    }

    /** Whether every target has been scraped, and successfully: Prometheus knows the cluster's state before a fault. */
    public boolean scrapedEveryTarget() throws IOException, InterruptedException {
        JsonNode targets;
        try {
            targets =
                    server.getJson("/api/v1/targets?state=active").path("data").path("activeTargets");
        } catch (IOException notYet) {
            return false;
        }
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

    /** Whether every rule group has been evaluated at or after {@code since}: its alerts speak for what was scraped by then. */
    public boolean evaluatedSince(Instant since) throws IOException, InterruptedException {
        JsonNode groups = server.getJson("/api/v1/rules").path("data").path("groups");
        for (JsonNode group : groups) {
            String last = group.path("lastEvaluation").asText("");
            if (last.isEmpty() || OffsetDateTime.parse(last).toInstant().isBefore(since)) {
                return false;
            }
        }
        return !groups.isEmpty();
    }

    /** The alerts Prometheus has pending or firing, each as "name{labels} state". */
    public List<String> activeAlerts() throws IOException, InterruptedException {
        List<String> active = new ArrayList<>();
        for (JsonNode alert : server.getJson("/api/v1/alerts").path("data").path("alerts")) {
            active.add(alert.path("labels").path("alertname").asText() + alert.path("labels") + " "
                    + alert.path("state").asText());
        }
        return active;
    }

    public URI url() {
        return server.url();
    }

    public String logTail() {
        return server.logTail();
    }

    public Path logFile() {
        return server.logFile();
    }

    @Override
    public void close() {
        server.close();
    }
}
