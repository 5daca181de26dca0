package io.vigil.history.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import io.vigil.history.DuckDbHistoryStore;
import io.vigil.history.query.StoredResolutions;
import io.vigil.service.http.HttpEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /api/history/* on a real HttpEndpoint on 127.0.0.1, over a DuckDB history with known rows. */
class HistoryApiTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final long T0 = NOW.minus(Duration.ofHours(1)).toEpochMilli();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private DuckDbHistoryStore db;
    private HttpEndpoint endpoint;

    @BeforeEach
    void serve() throws SQLException {
        db = DuckDbHistoryStore.open(dir.resolve("history.duckdb"));
        try (Connection c = db.reader();
                Statement s = c.createStatement()) {
            for (int i = 0; i < 4; i++) {
                s.execute("INSERT INTO replication_samples VALUES ('pair-1', 'node-a', " + i + ", " + (T0 + i * 10_000)
                        + ", 'r0', 0, 'node-b',"
                        + " 'Primary', 'UpToDate', 'Connected', 'Established', 'UpToDate', 0, false, "
                        + (i + 1) / 1000.0 + ", NULL, NULL, NULL, NULL)");
            }
            s.execute("INSERT INTO resync_episodes VALUES ('e1', 'pair-1', 'r0', 0, 'node-b', 'node-a', 'node-a', " + T0
                    + ", " + (T0 + 90_000) + ", 1000, 900, 10.0, 20.0, 'disk-replaced', 'done')");
            s.execute("INSERT INTO resync_episodes VALUES ('e2', 'pair-1', 'r0', 0, 'node-b', 'node-a', 'node-a', "
                    + (T0 + 100_000) + ", NULL, NULL, NULL, NULL, NULL, 'link-restored', 'running')");
            s.execute("INSERT INTO drbd_state_changes VALUES ('pair-1', 'node-a', 9, " + T0
                    + ", 'r0', 0, 'node-b', 'Primary', NULL,"
                    + " 'Connected', 'SyncSource', 'Inconsistent', 'Secondary')");
            s.execute(
                    "INSERT INTO alert_changes VALUES ('pair-1', 'fp1', 'DiskFailed', 'critical', 'firing', 1, 'state',"
                            + " '{\"node\":\"node-a\"}', " + T0 + ", " + T0 + ", NULL, " + T0 + ")");
        }
        HistoryApi api = new HistoryApi(db::reader, StoredResolutions.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC));
        endpoint = HttpEndpoint.serve(new InetSocketAddress("127.0.0.1", 0), api.routes());
    }

    @AfterEach
    void close() throws SQLException {
        endpoint.close();
        db.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + pathAndQuery))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElse(""));
        return WireCodec.json().readTree(response.body());
    }

    @Test
    void syncLatencyAnswersEachStepsQuantilesAndLeavesUnknownFiguresOut() throws Exception {
        JsonNode answer = json("/api/history/sync-latency?resource=r0&from=2h&step=1h");

        assertEquals("pair-1", answer.path("cluster").asText());
        assertEquals("2026-12-01T10:00:00Z", answer.path("from").asText());
        assertEquals("2026-12-01T12:00:00Z", answer.path("to").asText());
        assertEquals("1h", answer.path("step").asText());
        assertEquals(1, answer.path("steps").size(), "the first hour had no sample: it is absent");
        JsonNode step = answer.path("steps").get(0);
        assertEquals("2026-12-01T11:00:00Z", step.path("start").asText());
        assertEquals(4, step.path("samples").asInt());
        assertEquals(0.0025, step.path("roundTripSeconds").path("p50").asDouble(), 1e-12);
        assertEquals(0.004, step.path("roundTripSeconds").path("max").asDouble(), 1e-12);
        assertFalse(step.has("oldestRequestSeconds"), "no oldest request was reported: absent, not 0");
        assertEquals("bytes", answer.path("units").path("outOfSyncBytes").asText());
        assertFalse(answer.has("rollup"), "raw rows answered this");

        JsonNode rfc = json(
                "/api/history/sync-latency?resource=r0&cluster=pair-1&peer=node-b&from=2026-12-01T12:00:00%2B01:00&to=now");
        assertEquals("2026-12-01T11:00:00Z", rfc.path("from").asText(), "an offset is honoured");
        assertEquals(
                "1m",
                rfc.path("step").asText(),
                "without a step, the finest giving at most 300 steps (10s would give 360)");
        assertEquals(1, rfc.path("steps").size());
    }

    @Test
    void theListingsAnswerNewestFirstAndSayWhenTheyWereCut() throws Exception {
        JsonNode resyncs = json("/api/history/resyncs?from=1d&limit=1");
        assertEquals(1, resyncs.path("resyncs").size());
        assertTrue(resyncs.path("truncated").asBoolean());
        JsonNode running = resyncs.path("resyncs").get(0);
        assertEquals("e2", running.path("episodeId").asText());
        assertFalse(running.has("endedAt"));
        assertEquals(
                3500.0, running.path("durationSeconds").asDouble(), 1e-9, "running since 100 s after the hour's start");
        assertEquals(
                90.0,
                json("/api/history/resyncs?resource=r0&from=1d")
                        .path("resyncs")
                        .get(1)
                        .path("durationSeconds")
                        .asDouble(),
                1e-9);

        JsonNode states = json("/api/history/states?resource=r0&from=1d");
        assertEquals(
                "SyncSource", states.path("states").get(0).path("replication").asText());
        assertFalse(states.path("states").get(0).has("disk"));
        assertFalse(states.path("truncated").asBoolean());

        JsonNode alerts = json("/api/history/alerts?from=7d&severity=critical&state=firing");
        assertEquals(
                "node-a",
                alerts.path("alerts").get(0).path("labels").path("node").asText());
        assertEquals(
                0,
                json("/api/history/alerts?from=7d&severity=warning")
                        .path("alerts")
                        .size());
    }

    @Test
    void badInputIsRefusedWith400NamingTheParameter() throws Exception {
        Map<String, String> refusals = Map.of(
                "/api/history/sync-latency?from=1d", "resource: is missing",
                "/api/history/sync-latency?resource=r0&step=fast", "step: 'fast' is not a duration",
                "/api/history/sync-latency?resource=r0&from=90d&step=1m",
                        "step: the range holds 129600 steps of 1m, more than 2000: widen the step or narrow the range",
                "/api/history/sync-latency?resource=r0&from=yesterday", "from: 'yesterday' is not a time",
                "/api/history/sync-latency?resource=r0&from=1h&to=2h", "from: 2026-12-01T11:00:00Z is not before to",
                "/api/history/sync-latency?resource=-r0", "resource: '-r0' is not a valid name",
                "/api/history/states?resouce=r0",
                        "resouce: is not a parameter here (known: cluster, from, limit, resource, to)",
                "/api/history/resyncs?limit=0", "limit: 0 is outside 1 to 10000",
                "/api/history/alerts?limit=many", "limit: 'many' is not a whole number",
                "/api/history/alerts?state=firing&state=pending", "state: is given 2 times");
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            HttpResponse<String> response = get(r.getKey());
            assertEquals(400, response.statusCode(), r.getKey() + ": " + response.body());
            assertTrue(response.body().startsWith(r.getValue()), r.getKey() + ": " + response.body());
        }
    }

    @Test
    void questionsAskedAtOnceEachGetTheirWholeAnswer() throws Exception {
        String one =
                json("/api/history/sync-latency?resource=r0&from=2h&step=1h").toString();
        List<CompletableFuture<HttpResponse<String>>> asked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            asked.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(
                                    endpoint.baseUrl() + "/api/history/sync-latency?resource=r0&from=2h&step=1h"))
                            .timeout(Duration.ofSeconds(20))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : asked) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(one, WireCodec.json().readTree(response.body()).toString());
        }
    }

    @Test
    void onlyGetIsAnswered() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/api/history/resyncs"))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
    }
}
