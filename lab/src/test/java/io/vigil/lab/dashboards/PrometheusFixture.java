package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.lab.prom.PrometheusConfig;
import io.vigil.lab.prom.PrometheusProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (Debian's {@code prometheus} package) for the dashboards' test, started by the
 * lab's {@link PrometheusProcess} (on 127.0.0.1 on a free port, its config and TSDB in the given
 * folder), scraping the given targets every {@code scrapeInterval}, with the queries the test asks
 * of it. Closed, it is stopped (SIGTERM, then killed after 10 s).
 */
final class PrometheusFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusProcess process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusFixture(PrometheusProcess process) {
        this.process = process;
    }

    /**
     * Starts Prometheus with one scrape job per entry (job name to host:port targets) and waits
     * until it is ready; a missing prometheus binary is an error naming the Debian package.
     */
    static PrometheusFixture start(Path dir, Map<String, List<String>> jobs, Duration scrapeInterval)
            throws IOException {
        List<PrometheusConfig.ScrapeJob> scrapeJobs = jobs.entrySet().stream()
                .map(job -> new PrometheusConfig.ScrapeJob(
                        job.getKey(),
                        false,
                        job.getValue().stream().map(PrometheusConfig.Target::at).toList()))
                .toList();
        return new PrometheusFixture(PrometheusProcess.start(
                dir, PrometheusConfig.scraping(scrapeJobs, PrometheusConfig.Intervals.every(scrapeInterval))));
    }

    /** The result of an instant query at {@code at}: the answer's {@code data}, or an error naming the query and Prometheus's reason. */
    JsonNode query(String promql, Instant at) {
        JsonNode answer = get("/api/v1/query?query=" + encode(promql) + "&time=" + at.toEpochMilli() / 1000.0);
        if (!answer.path("status").asText().equals("success")) {
            throw new InvalidQuery(
                    promql,
                    answer.path("errorType").asText() + ": "
                            + answer.path("error").asText());
        }
        return answer.path("data");
    }

    /** The result of a range query from {@code from} to {@code to} at {@code step}, as a Grafana graph asks it. */
    JsonNode queryRange(String promql, Instant from, Instant to, Duration step) {
        JsonNode answer = get("/api/v1/query_range?query=" + encode(promql) + "&start=" + from.toEpochMilli() / 1000.0
                + "&end=" + to.toEpochMilli() / 1000.0 + "&step=" + step.toMillis() / 1000.0);
        if (!answer.path("status").asText().equals("success")) {
            throw new InvalidQuery(
                    promql,
                    answer.path("errorType").asText() + ": "
                            + answer.path("error").asText());
        }
        return answer.path("data");
    }

    /** The values of {@code label} on the series {@code match} selects (what Grafana's label_values() asks). */
    List<String> labelValues(String label, String match) {
        JsonNode answer = get("/api/v1/label/" + label + "/values?match[]=" + encode(match));
        if (!answer.path("status").asText().equals("success")) {
            throw new InvalidQuery(match, answer.path("error").asText());
        }
        return JSON.convertValue(
                answer.path("data"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    /** Whether every target's last scrape succeeded. */
    boolean allTargetsUp() {
        try {
            return process.scrapedEveryTarget();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Prometheus at " + process.url() + " did not list its targets; its log ends:\n" + logText(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A query Prometheus refused. */
    static final class InvalidQuery extends RuntimeException {
        InvalidQuery(String query, String reason) {
            super("Prometheus refused '" + query + "': " + reason);
        }
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(process.url() + pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Prometheus at " + process.url() + " did not answer " + pathAndQuery + "; its log:\n" + logText(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    String logText() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
