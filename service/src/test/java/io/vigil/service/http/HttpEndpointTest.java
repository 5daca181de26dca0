package io.vigil.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.service.http.HttpEndpoint.Reply;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation")
class HttpEndpointTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final InetSocketAddress anyPort = new InetSocketAddress("127.0.0.1", 0);
    private HttpEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryOnMetricsAnd404Elsewhere() throws Exception {
        Counter.builder("vigil_test_events").register(registry).increment(3);
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(metrics.body().lines().anyMatch(l -> l.equals("vigil_test_events_total 3.0")), metrics.body());
        assertEquals(404, send("GET", "/", null).statusCode());
        assertEquals(404, send("GET", "/metrics/x", null).statusCode());
        HttpResponse<String> post = send("POST", "/metrics", "x");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void routesByExactPathOrByPrefixWithTheQueryDecoded() throws Exception {
        endpoint = HttpEndpoint.serve(registry, anyPort, Map.of(
                "/api/things", request -> Reply.text(200, "all " + request.parameters("match")),
                "/api/things/", request -> Reply.text(200, "one " + request.path().substring("/api/things/".length())
                        + " " + request.method() + " " + new String(request.body(), StandardCharsets.UTF_8))));
        assertEquals("all [node=node-a, severity=~crit.*]",
                send("GET", "/api/things?match=node%3Dnode-a&match=severity%3D~crit.*", null).body());
        assertEquals("one 42 DELETE ", send("DELETE", "/api/things/42", null).body());
        assertEquals("one 7 POST {\"a\":1}", send("POST", "/api/things/7", "{\"a\":1}").body());
        assertEquals(200, send("GET", "/metrics", null).statusCode());
        assertEquals(404, send("GET", "/api/thingsx", null).statusCode());
    }

    @Test
    void aRouteThatFailsAnswers500AndTheEndpointCarriesOn() throws Exception {
        endpoint = HttpEndpoint.serve(registry, anyPort, Map.of("/boom", request -> {
            throw new IllegalStateException("store not ready");
        }));
        HttpResponse<String> boom = send("GET", "/boom", null);
        assertEquals(500, boom.statusCode());
        assertTrue(boom.body().contains("store not ready"), boom.body());
        assertEquals(200, send("GET", "/metrics", null).statusCode());
    }

    @Test
    void refusesAnOversizedBody() throws Exception {
        endpoint = HttpEndpoint.serve(registry, anyPort, Map.of("/api/x", request -> Reply.text(200, "read")));
        assertEquals(413, send("POST", "/api/x", "x".repeat(HttpEndpoint.MAX_BODY_BYTES + 1)).statusCode());
        assertEquals(200, send("POST", "/api/x", "x".repeat(1000)).statusCode());
    }

    @Test
    void saysWhichAddressItCouldNotBind() {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> HttpEndpoint.metrics(registry, new InetSocketAddress("127.0.0.1", endpoint.port())));
        assertTrue(e.getMessage().startsWith("cannot serve /metrics on /127.0.0.1:" + endpoint.port()), e.getMessage());
    }

    @Test
    void closeFreesThePort() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        int port = endpoint.port();
        endpoint.close();
        assertThrows(java.net.ConnectException.class, () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()));
        endpoint = HttpEndpoint.metrics(registry, new InetSocketAddress("127.0.0.1", port));
        assertEquals(200, send("GET", "/metrics", null).statusCode());
    }

    @Test
    void decodesQueriesWithRepeatsAndBareKeys() {
        assertEquals(Map.of("a", List.of("1", "2"), "b", List.of(""), "c d", List.of("e&f")),
                HttpEndpoint.query("a=1&a=2&b&c+d=e%26f"));
    }
}
