package io.vigil.service.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.service.http.HttpEndpoint.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation")
class HttpEndpointTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final InetSocketAddress anyPort = new InetSocketAddress("127.0.0.1", 0);
    private HttpEndpoint endpoint;

    /** Connections a test opened by hand, closed after it. */
    private final List<Socket> held = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryOnMetricsAnd404Elsewhere() throws Exception {
        Counter.builder("vigil_test_events").register(registry).increment(3);
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertEquals(
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(metrics.body().lines().anyMatch(l -> l.equals("vigil_test_events_total 3.0")), metrics.body());
        assertEquals(404, send("GET", "/", null).statusCode());
        assertEquals(404, send("GET", "/metrics/x", null).statusCode());
        HttpResponse<String> post = send("POST", "/metrics", "x");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void routesByExactPathOrByPrefixWithTheQueryDecoded() throws Exception {
        endpoint = HttpEndpoint.serve(
                registry,
                anyPort,
                Map.of(
                        "/api/things", request -> Reply.text(200, "all " + request.parameters("match")),
                        "/api/things/",
                                request -> Reply.text(
                                        200,
                                        "one " + request.path().substring("/api/things/".length()) + " "
                                                + request.method() + " "
                                                + new String(request.body(), StandardCharsets.UTF_8))));
        assertEquals(
                "all [node=node-a, severity=~crit.*]",
                send("GET", "/api/things?match=node%3Dnode-a&match=severity%3D~crit.*", null)
                        .body());
        assertEquals("one 42 DELETE ", send("DELETE", "/api/things/42", null).body());
        assertEquals(
                "one 7 POST {\"a\":1}",
                send("POST", "/api/things/7", "{\"a\":1}").body());
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
        assertEquals(
                413,
                send("POST", "/api/x", "x".repeat(HttpEndpoint.MAX_BODY_BYTES + 1))
                        .statusCode());
        assertEquals(200, send("POST", "/api/x", "x".repeat(1000)).statusCode());
    }

    @Test
    void saysWhichAddressItCouldNotBind() {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        UncheckedIOException e = assertThrows(
                UncheckedIOException.class,
                () -> HttpEndpoint.metrics(registry, new InetSocketAddress("127.0.0.1", endpoint.port())));
        assertTrue(e.getMessage().startsWith("cannot serve /metrics on /127.0.0.1:" + endpoint.port()), e.getMessage());
    }

    @Test
    void closeFreesThePort() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        int port = endpoint.port();
        endpoint.close();
        assertThrows(
                java.net.ConnectException.class,
                () -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        endpoint = HttpEndpoint.metrics(registry, new InetSocketAddress("127.0.0.1", port));
        assertEquals(200, send("GET", "/metrics", null).statusCode());
    }

    @Test
    void aQueryThatIsNotUrlEncodedIsA400NotAClosedConnection() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        // (Java's HTTP client will not send such a URI: a raw request, as a careless client sends it)
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", endpoint.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /metrics?x=% HTTP/1.1\r\nHost: vigil\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(
                    answer.contains("malformed request target") || answer.contains("the query is not URL-encoded"),
                    answer);
        }
    }

    @Test
    void decodesQueriesWithRepeatsAndBareKeys() throws Exception {
        assertEquals(
                Map.of("a", List.of("1", "2"), "b", List.of(""), "c d", List.of("e&f")),
                HttpEndpoint.query("a=1&a=2&b&c+d=e%26f"));
    }

    /** What a slow client sends before it stops: a request whose headers never end, or whose body never comes in full. */
    private static final String UNFINISHED_HEADERS = "GET /metrics HTTP/1.1\r\nHost: vigil\r\nX-Slow: ";

    private static final String PARTIAL_BODY =
            "POST /api/x HTTP/1.1\r\nHost: vigil\r\nContent-Length: 100\r\n\r\n{\"part";
    /** As generous as a scrape or an API call may take while slow clients are held; a stalled endpoint takes forever. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    @Test
    void slowClientsNeitherDelayOthersNorStayOpen() throws Exception {
        endpoint = HttpEndpoint.serve(registry, anyPort, Map.of("/api/x", request -> Reply.text(200, "x")));
        List<Socket> slow = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            slow.add(openHeld("127.0.0.2", UNFINISHED_HEADERS));
            slow.add(openHeld("127.0.0.3", PARTIAL_BODY));
        }
        assertTimeoutPreemptively(PROMPTLY, () -> {
            assertTrue(exchange("127.0.0.1", "GET /metrics HTTP/1.1\r\nHost: vigil\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 200"));
            assertTrue(exchange("127.0.0.4", "GET /api/x HTTP/1.1\r\nHost: vigil\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 200"));
        });
        // each slow client is told 408 and closed when the request time (5 s) is up: held that long, not forever
        for (Socket s : slow) {
            s.setSoTimeout(10_000);
            String answer = readToEnd(s);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) > 0);
    }

    @Test
    void slowClientsDoNotStallTheAgentsMetrics() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        for (int i = 0; i < 8; i++) {
            openHeld("127.0.0.2", UNFINISHED_HEADERS);
            openHeld("127.0.0.3", PARTIAL_BODY.replace("/api/x", "/metrics"));
        }
        assertTimeoutPreemptively(
                PROMPTLY,
                () -> assertTrue(
                        exchange("127.0.0.1", "GET /metrics HTTP/1.1\r\nHost: vigil\r\nConnection: close\r\n\r\n")
                                .startsWith("HTTP/1.1 200")));
    }

    @Test
    void aClientPastItsConnectionCapIsTurnedAwayAtOnce() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        String scrape = "GET /metrics HTTP/1.1\r\nHost: vigil\r\nConnection: close\r\n\r\n";
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            idle.add(openHeld("127.0.0.2", ""));
        }
        assertTimeoutPreemptively(PROMPTLY, () -> {
            String refused = exchange("127.0.0.2", scrape);
            assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
            assertTrue(refused.contains("too many connections from 127.0.0.2"), refused);
            assertTrue(exchange("127.0.0.1", scrape).startsWith("HTTP/1.1 200"));
        });
        idle.get(0).close();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> exchange("127.0.0.2", scrape).startsWith("HTTP/1.1 200"));
    }

    @Test
    void headIsAnsweredAsGetWithoutTheBody() throws Exception {
        endpoint = HttpEndpoint.serve(
                registry,
                anyPort,
                Map.of(
                        "/api/read",
                                request -> request.method().equals("GET")
                                        ? Reply.text(200, "twelve bytes")
                                        : Reply.methodNotAllowed("GET"),
                        "/api/write",
                                request -> request.method().equals("POST")
                                        ? Reply.text(200, "ok")
                                        : Reply.methodNotAllowed("POST")));
        for (String path : List.of("/api/read", "/metrics")) {
            HttpResponse<String> get = send("GET", path, null);
            HttpResponse<String> head = send("HEAD", path, null);
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertEquals(
                    get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
            assertEquals(
                    get.headers().firstValue("Content-Length"), head.headers().firstValue("Content-Length"), path);
        }
        HttpResponse<String> headOfPost = send("HEAD", "/api/write", null);
        assertEquals(405, headOfPost.statusCode());
        assertEquals("POST", headOfPost.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> postOfGet = send("POST", "/api/read", "x");
        assertEquals(405, postOfGet.statusCode());
        assertEquals("GET, HEAD", postOfGet.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void aPathWithControlCharactersIsEchoedEscaped() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        HttpResponse<String> missing = send("GET", "/x%1b%5b2J%07%e2%80%ae", null);
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().startsWith("not found: /x\\x1b[2J\\x07\\u202e "), missing.body());
        assertFalse(missing.body().chars().anyMatch(c -> c < 0x20 && c != '\n' || c == 0x202e), missing.body());
    }

    @Test
    void pastTheTotalANewConnectionIsTurnedAwayAtOnce() throws Exception {
        endpoint = new HttpEndpoint(
                anyPort,
                Map.of("/api/x", request -> Reply.text(200, "x")),
                new ConnectionLimits(2, 4, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        for (String from : List.of("127.0.0.2", "127.0.0.3")) {
            openHeld(from, UNFINISHED_HEADERS);
            openHeld(from, UNFINISHED_HEADERS);
        }
        String busy = assertTimeoutPreemptively(
                PROMPTLY, () -> exchange("127.0.0.1", "GET /api/x HTTP/1.1\r\nHost: vigil\r\n\r\n"));
        assertTrue(busy.startsWith("HTTP/1.1 503"), busy);
        assertTrue(busy.contains("busy: 4 connections open"), busy);
    }

    @Test
    void anAnswerTheClientDoesNotTakeIsCutOffAfterTheResponseTime() throws Exception {
        byte[] big = new byte[32 * 1024 * 1024];
        endpoint = new HttpEndpoint(
                anyPort,
                Map.of("/api/big", request -> new Reply(200, "application/octet-stream", big, Map.of())),
                new ConnectionLimits(1, 4, Duration.ofSeconds(5), Duration.ofSeconds(1)));
        String get = "GET /api/big HTTP/1.1\r\nHost: vigil\r\n\r\n";
        Socket stalled = new Socket();
        held.add(stalled);
        stalled.setReceiveBufferSize(4096);
        stalled.bind(new InetSocketAddress("127.0.0.2", 0));
        stalled.connect(new InetSocketAddress("127.0.0.1", endpoint.port()));
        stalled.getOutputStream().write(get.getBytes(StandardCharsets.ISO_8859_1));
        // the one connection 127.0.0.2 may hold is taken by the answer it does not read, until that is cut off
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        exchange("127.0.0.2", "HEAD /api/big HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    @Test
    void refusesMalformedRequestsWithAStatusThatSaysWhy() throws Exception {
        endpoint = HttpEndpoint.metrics(registry, anyPort);
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("GARBAGE\r\n\r\n", "HTTP/1.1 400");
        refusals.put("GET /a b HTTP/1.1\r\n\r\n", "HTTP/1.1 400");
        refusals.put("GET metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 400");
        refusals.put("GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400");
        refusals.put("GET /metrics HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", "HTTP/1.1 400");
        refusals.put("GET /metrics HTTP/2.0\r\n\r\n", "HTTP/1.1 505");
        refusals.put("POST /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 411");
        refusals.put("POST /metrics HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "HTTP/1.1 400");
        refusals.put("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "HTTP/1.1 400");
        refusals.put("POST /metrics HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n", "HTTP/1.1 413");
        refusals.put("GET /" + "a".repeat(RequestParser.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n", "HTTP/1.1 414");
        refusals.put(
                "GET /metrics HTTP/1.1\r\n" + ("X-A: " + "b".repeat(1000) + "\r\n").repeat(20) + "\r\n",
                "HTTP/1.1 431");
        refusals.put(
                "GET /metrics HTTP/1.1\r\n" + "X-A: b\r\n".repeat(RequestParser.MAX_HEADERS + 1) + "\r\n",
                "HTTP/1.1 431");
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            String answer = exchange("127.0.0.1", r.getKey());
            assertTrue(
                    answer.startsWith(r.getValue()),
                    r.getKey().lines().findFirst().orElseThrow() + " -> " + answer);
        }
        assertEquals(200, send("GET", "/metrics", null).statusCode());
    }

    @Test
    void saysContinueBeforeTakingABodyAndAcceptsBareLineFeeds() throws Exception {
        endpoint = HttpEndpoint.serve(
                registry,
                anyPort,
                Map.of("/api/echo", request -> Reply.text(200, new String(request.body(), StandardCharsets.UTF_8))));
        try (Socket s = new Socket("127.0.0.1", endpoint.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write("POST /api/echo HTTP/1.1\nHost: vigil\nContent-Length: 5\nExpect: 100-continue\n\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
            byte[] interim = s.getInputStream().readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
            s.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));
            String answer = readToEnd(s);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.endsWith("\r\n\r\nhello"), answer);
        }
    }

    /** A connection from {@code from} (a loopback address) that has sent {@code bytes} and then waits. */
    private Socket openHeld(String from, String bytes) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), endpoint.port(), InetAddress.getByName(from), 0);
        held.add(s);
        s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** Sends {@code request} from {@code from} and reads the answer to the end (the endpoint closes after it). */
    private String exchange(String from, String request) throws IOException {
        try (Socket s =
                new Socket(InetAddress.getByName("127.0.0.1"), endpoint.port(), InetAddress.getByName(from), 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readToEnd(s);
        }
    }

    private static String readToEnd(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // a server that closes with unread input resets: what arrived before counts
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
