package io.vigil.service.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vigil process's HTTP side, on the JDK's own server (no web framework for a few paths):
 * {@code /metrics} in Prometheus text format 0.0.4, and whatever routes the process adds (the
 * engine's API). A path no route claims is 404. A route is matched by its exact path, or, for a
 * route registered with a trailing slash, by that prefix ({@code /api/silences/} answers
 * {@code /api/silences/ID}).
 */
// the simpleclient Prometheus registry is deprecated upstream; the project chose it (text format 0.0.4)
@SuppressWarnings("deprecation")
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    /** Request bodies larger than this are refused: the API takes small JSON documents only. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    /** Answers one request. Runs on one of the endpoint's few threads. */
    @FunctionalInterface
    public interface Route {
        Reply answer(Request request) throws IOException;
    }

    /** A request as a route sees it: the path without the query, the query decoded, headers by lower-case name, the body read. */
    public record Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
                          byte[] body) {
        public Request {
            query = Map.copyOf(query);
            headers = Map.copyOf(headers);
        }

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        public Optional<String> parameter(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        public List<String> parameters(String name) {
            return query.getOrDefault(name, List.of());
        }
    }

    /** What a route answers. */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        public Reply {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }

        public static Reply text(int status, String text) {
            return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public static Reply json(int status, byte[] json) {
            return new Reply(status, "application/json", json, Map.of());
        }

        /** 405 with the Allow header, as HTTP asks. */
        public static Reply methodNotAllowed(String allow) {
            return new Reply(405, "text/plain; charset=utf-8", ("use " + allow + "\n").getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", allow));
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;

    private HttpEndpoint(InetSocketAddress listen, Map<String, Route> routes, int threadCount) {
        try {
            server = HttpServer.create(listen, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + String.join(", ", routes.keySet()) + " on " + listen + ": "
                    + e.getMessage() + " (is another Vigil process or exporter using the port? see the listen setting)", e);
        }
        AtomicInteger n = new AtomicInteger();
        threads = Executors.newFixedThreadPool(threadCount, runnable -> {
            Thread t = new Thread(runnable, "vigil-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        List<Map.Entry<String, Route>> byLength = new ArrayList<>(routes.entrySet());
        // longest prefix first, so /api/silences/ wins over /api/
        byLength.sort(Comparator.comparingInt((Map.Entry<String, Route> e) -> e.getKey().length()).reversed());
        server.createContext("/", exchange -> answer(exchange, byLength));
        server.start();
    }

    /**
     * Serves {@code /metrics} from {@code registry} alone, on one thread: a scrape is cheap and
     * Prometheus scrapes one at a time. Binds at once; port 0 picks a free port (see {@link #port()}).
     */
    public static HttpEndpoint metrics(PrometheusMeterRegistry registry, InetSocketAddress listen) {
        HttpEndpoint endpoint = new HttpEndpoint(listen, Map.of("/metrics", metricsRoute(registry)), 1);
        log.info("serving metrics on {}/metrics", endpoint.baseUrl());
        return endpoint;
    }

    /**
     * Serves {@code /metrics} and the given routes, on a few threads, so that a route that asks
     * another instance of the same process for its part cannot wait on itself.
     */
    public static HttpEndpoint serve(PrometheusMeterRegistry registry, InetSocketAddress listen, Map<String, Route> routes) {
        Map<String, Route> all = new LinkedHashMap<>(routes);
        all.put("/metrics", metricsRoute(registry));
        return new HttpEndpoint(listen, all, 4);
    }

    private static Route metricsRoute(PrometheusMeterRegistry registry) {
        return request -> {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return Reply.methodNotAllowed("GET, HEAD");
            }
            String scrape = registry.scrape(TextFormat.CONTENT_TYPE_004);
            return new Reply(200, TextFormat.CONTENT_TYPE_004, scrape.getBytes(StandardCharsets.UTF_8), Map.of());
        };
    }

    private static void answer(HttpExchange exchange, List<Map.Entry<String, Route>> routes) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Optional<Route> route = routes.stream()
                    .filter(r -> r.getKey().equals(path) || r.getKey().endsWith("/") && path.startsWith(r.getKey()))
                    .map(Map.Entry::getValue).findFirst();
            Reply reply;
            if (route.isEmpty()) {
                reply = Reply.text(404, "not found: " + path + " (served here: "
                        + String.join(", ", routes.stream().map(Map.Entry::getKey).sorted().toList()) + ")\n");
            } else {
                Optional<byte[]> body = readBody(exchange.getRequestBody());
                reply = body.isEmpty()
                        ? Reply.text(413, "request body larger than " + MAX_BODY_BYTES + " bytes\n")
                        : answerSafely(route.get(), new Request(exchange.getRequestMethod(), path,
                                query(exchange.getRequestURI().getRawQuery()), headers(exchange), body.get()));
            }
            send(exchange, reply);
        } catch (IOException | RuntimeException e) {
            log.warn("an HTTP request for {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
        }
    }

    private static Reply answerSafely(Route route, Request request) {
        try {
            return route.answer(request);
        } catch (IOException | RuntimeException e) {
            log.warn("{} {} failed: {}", request.method(), request.path(), e.toString());
            return Reply.text(500, "internal error: " + e.getMessage() + " (the process log has the details)\n");
        }
    }

    private static Optional<byte[]> readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? Optional.empty() : Optional.of(body);
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return headers;
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(reply.status(), head || reply.body().length == 0 ? -1 : reply.body().length);
        if (!head && reply.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    /** The port bound, the one picked when the config said 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://HOST:PORT}, for log lines and for clients in the same process. */
    public String baseUrl() {
        String host = server.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
