package io.vigil.lab.prom;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import java.io.IOException;
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

/**
 * A real Prometheus (Debian's prometheus package) on 127.0.0.1, doing what its
 * {@link PrometheusConfig} says: the page bench's, scraping the agents as
 * deploy/prometheus/prometheus.yml does and evaluating vigil-alerts.yml into an Alertmanager, and
 * the dashboards' test's, scraping the agents and the engine every second. Its config, data and
 * log live in the directory it is given; it is stopped at close.
 */
public final class PrometheusProcess implements AutoCloseable {
    private final ServerProcess server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusProcess(ServerProcess server) {
        this.server = server;
    }

    /** Writes {@code config} (and its rule file) into {@code dir} and starts Prometheus on it; returns once it is ready. */
    public static PrometheusProcess start(Path dir, PrometheusConfig config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("prometheus.yml"), config.yaml(), StandardCharsets.UTF_8);
            if (config.rules().isPresent()) {
                Files.writeString(dir.resolve(config.rules().get().name()), config.rules().get().text(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus's config could not be written in " + dir + " (" + e.getMessage() + ")", e);
        }
        return new PrometheusProcess(ServerProcess.start("prometheus", "prometheus", port -> List.of(
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log")));
    }

    /** Whether every target has been scraped, and successfully: Prometheus knows the cluster's state before a fault. */
    public boolean scrapedEveryTarget() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url().resolve("/api/v1/targets?state=active"))
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
