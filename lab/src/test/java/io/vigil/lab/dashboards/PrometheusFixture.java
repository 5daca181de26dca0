package io.vigil.lab.dashboards;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's {@code prometheus} package) as a child process: listening on
 * 127.0.0.1 on a free port, its config and TSDB in a temporary folder, scraping the given targets
 * every {@code scrapeInterval}. Closed, it is stopped (SIGTERM, then killed after 10 s).
 */
final class PrometheusFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusFixture(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** Starts Prometheus with one scrape job per entry (job name to host:port targets) and waits until it is ready. */
    static PrometheusFixture start(Path dir, Map<String, List<String>> jobs, Duration scrapeInterval) throws IOException {
        Files.createDirectories(dir);
        String interval = scrapeInterval.toMillis() + "ms";
        String config = "global:\n  scrape_interval: " + interval + "\n  scrape_timeout: " + interval + "\n  evaluation_interval: " + interval + "\n"
                + "scrape_configs:\n" + jobs.entrySet().stream().map(job -> "  - job_name: " + job.getKey() + "\n    static_configs:\n"
                + "      - targets: [" + job.getValue().stream().map(t -> "'" + t + "'").collect(Collectors.joining(", ")) + "]\n")
                .collect(Collectors.joining());
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        Process process;
        try {
            process = new ProcessBuilder("prometheus", "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("prometheus is not installed; install it with: apt-get install -y prometheus", e);
        }
        PrometheusFixture prometheus = new PrometheusFixture(process, log, "http://127.0.0.1:" + port);
        try {
            await("Prometheus ready on 127.0.0.1:" + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + prometheus.logText());
                        }
                        return prometheus.ready();
                    });
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    /** The result of an instant query at {@code at}: the answer's {@code data}, or an error naming the query and Prometheus's reason. */
    JsonNode query(String promql, Instant at) {
        JsonNode answer = get("/api/v1/query?query=" + encode(promql) + "&time=" + at.toEpochMilli() / 1000.0);
        if (!answer.path("status").asText().equals("success")) {
            throw new InvalidQuery(promql, answer.path("errorType").asText() + ": " + answer.path("error").asText());
        }
        return answer.path("data");
    }

    /** The values of {@code label} on the series {@code match} selects (what Grafana's label_values() asks). */
    List<String> labelValues(String label, String match) {
        JsonNode answer = get("/api/v1/label/" + label + "/values?match[]=" + encode(match));
        if (!answer.path("status").asText().equals("success")) {
            throw new InvalidQuery(match, answer.path("error").asText());
        }
        return JSON.convertValue(answer.path("data"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    /** Whether every target's last scrape succeeded. */
    boolean allTargetsUp() {
        JsonNode targets = get("/api/v1/targets?state=active").path("data").path("activeTargets");
        boolean up = targets.size() > 0;
        for (JsonNode target : targets) {
            up &= target.path("health").asText().equals("up");
        }
        return up;
    }

    /** A query Prometheus refused. */
    static final class InvalidQuery extends RuntimeException {
        InvalidQuery(String query, String reason) {
            super("Prometheus refused '" + query + "': " + reason);
        }
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + url + " did not answer " + pathAndQuery + "; its log:\n" + logText(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A port free now on 127.0.0.1 (another process may take it before Prometheus does; then Prometheus exits and says so). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
