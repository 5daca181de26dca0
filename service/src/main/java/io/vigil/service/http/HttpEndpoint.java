package io.vigil.service.http;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vigil.service.terminal.TerminalText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vigil process's HTTP side: {@code /metrics} in Prometheus text format 0.0.4, and whatever
 * routes the process adds (the engine's API, the lab's control). A path no route claims is 404. A
 * route is matched by its exact path, or, for a route registered with a trailing slash, by that
 * prefix ({@code /api/silences/} answers {@code /api/silences/ID}). HEAD is answered wherever GET is.
 *
 * <p>Each connection has a thread of its own and one request (see {@link HttpConnection}), under
 * the {@link ConnectionLimits#STANDARD standard limits}: a client that sends slowly or not at all
 * holds only its own connections, at most eight, and only for the request time, so a scrape or an
 * API call from anyone else is answered meanwhile. The JDK's {@code com.sun.net.httpserver} was
 * replaced because it cannot do that: it reads the request line and headers on its executor's
 * threads, has no read timeout unless JVM-wide system properties say so, and offers no hook at
 * accept time, where a per-client limit has to act.
 */
// the simpleclient Prometheus registry is deprecated upstream; the project chose it (text format 0.0.4)
@SuppressWarnings("deprecation")
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    /** Request bodies larger than this are refused: the API takes small JSON documents only. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    /** Answers one request, on its connection's thread. A HEAD request comes as GET; the endpoint drops the body. */
    @FunctionalInterface
    public interface Route {
        Reply answer(Request request) throws IOException;
    }

    /** A request as a route sees it: the path without the query, the query decoded, headers by lower-case name, the body read. */
    public record Request(
            String method,
            String path,
            Map<String, List<String>> query,
            Map<String, List<String>> headers,
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

        /** 405 with the Allow header, as HTTP asks; one that allows GET allows HEAD too, as the endpoint answers it. */
        public static Reply methodNotAllowed(String allow) {
            List<String> methods = new ArrayList<>(Arrays.asList(allow.split(",\\s*")));
            if (methods.contains("GET") && !methods.contains("HEAD")) {
                methods.add(methods.indexOf("GET") + 1, "HEAD");
            }
            String allowed = String.join(", ", methods);
            return new Reply(
                    405,
                    "text/plain; charset=utf-8",
                    ("use " + allowed + "\n").getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", allowed));
        }
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final ConnectionLimits limits;
    private final Route router;
    private final ClientConnections clients;
    /** Every socket accepted and not yet closed, so that {@link #close()} leaves none behind. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private final ThreadPoolExecutor threads;
    /** Cuts off answers that a client does not take in time. */
    private final ScheduledExecutorService deadlines;
    /** Set once "too busy" is logged, cleared when a connection is taken again: one line per busy spell. */
    private final AtomicBoolean busyLogged = new AtomicBoolean();

    HttpEndpoint(InetSocketAddress listen, Map<String, Route> routes, ConnectionLimits limits) {
        listener = bind(listen, routes.keySet());
        this.limits = limits;
        List<Map.Entry<String, Route>> byLength = new ArrayList<>(routes.entrySet());
        // longest prefix first, so /api/silences/ wins over /api/
        byLength.sort(Comparator.comparingInt(
                        (Map.Entry<String, Route> e) -> e.getKey().length())
                .reversed());
        router = request -> answer(request, byLength);
        clients = new ClientConnections(baseUrl(), limits.perClient());
        AtomicInteger n = new AtomicInteger();
        // a thread per connection, up to the total: past it a connection is refused, never queued behind slow ones
        threads = new ThreadPoolExecutor(
                0,
                limits.total(),
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                runnable -> daemon(runnable, "vigil-http-" + port() + "-" + n.incrementAndGet()));
        deadlines = Executors.newSingleThreadScheduledExecutor(
                runnable -> daemon(runnable, "vigil-http-" + port() + "-deadlines"));
        acceptor = daemon(this::acceptAll, "vigil-http-" + port() + "-accept");
        acceptor.start();
    }

    private static ServerSocket bind(InetSocketAddress listen, Set<String> paths) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.bind(listen, 50);
            return socket;
        } catch (IOException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it never listened
                }
            }
            throw new UncheckedIOException(
                    "cannot serve " + String.join(", ", paths) + " on " + listen + ": " + e.getMessage()
                            + " (is another Vigil process or exporter using the port? see the listen setting)",
                    e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread t = new Thread(runnable, name);
        t.setDaemon(true);
        return t;
    }

    /** Serves {@code /metrics} from {@code registry} alone. Binds at once; port 0 picks a free port (see {@link #port()}). */
    public static HttpEndpoint metrics(PrometheusMeterRegistry registry, InetSocketAddress listen) {
        HttpEndpoint endpoint =
                new HttpEndpoint(listen, Map.of("/metrics", metricsRoute(registry)), ConnectionLimits.STANDARD);
        log.info("serving metrics on {}/metrics", endpoint.baseUrl());
        return endpoint;
    }

    /** Serves {@code /metrics} and the given routes. */
    public static HttpEndpoint serve(
            PrometheusMeterRegistry registry, InetSocketAddress listen, Map<String, Route> routes) {
        Map<String, Route> all = new LinkedHashMap<>(routes);
        all.put("/metrics", metricsRoute(registry));
        return new HttpEndpoint(listen, all, ConnectionLimits.STANDARD);
    }

    /** Serves the given routes alone, without {@code /metrics} (the lab's control endpoint). */
    public static HttpEndpoint serve(InetSocketAddress listen, Map<String, Route> routes) {
        return new HttpEndpoint(listen, routes, ConnectionLimits.STANDARD);
    }

    private static Route metricsRoute(PrometheusMeterRegistry registry) {
        return request -> {
            if (!request.method().equals("GET")) {
                return Reply.methodNotAllowed("GET");
            }
            String scrape = registry.scrape(TextFormat.CONTENT_TYPE_004);
            return new Reply(200, TextFormat.CONTENT_TYPE_004, scrape.getBytes(StandardCharsets.UTF_8), Map.of());
        };
    }

    private void acceptAll() {
        boolean failing = false;
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                if (!failing) {
                    log.warn(
                            "{} cannot accept connections: {} (is the process out of file descriptors? see ulimit -n);"
                                    + " retrying, the connections open are still answered",
                            baseUrl(),
                            e.toString());
                }
                failing = true;
                pauseAfterFailedAccept();
                continue;
            }
            if (failing) {
                log.info("{} accepts connections again", baseUrl());
                failing = false;
            }
            take(socket, System.nanoTime());
        }
    }

    /** A failed accept (no file descriptor left) fails again at once: waiting a little keeps the loop from spinning a core. */
    private static void pauseAfterFailedAccept() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void take(Socket socket, long acceptedNanos) {
        InetAddress client = socket.getInetAddress();
        open.add(socket);
        if (!clients.admit(client)) {
            refuse(
                    socket,
                    "too many connections from " + client.getHostAddress() + " (at most " + limits.perClient()
                            + " at a time); close some and retry");
            return;
        }
        try {
            threads.execute(new HttpConnection(socket, acceptedNanos, limits, router, deadlines, () -> {
                open.remove(socket);
                clients.release(client);
            }));
            busyLogged.set(false);
        } catch (RejectedExecutionException e) {
            clients.release(client);
            if (!threads.isShutdown() && busyLogged.compareAndSet(false, true)) {
                log.warn(
                        "{} refuses connections: all {} it takes at once are open (many clients at once, or slow ones)",
                        baseUrl(),
                        limits.total());
            }
            refuse(socket, "busy: " + limits.total() + " connections open; retry in a moment");
        }
    }

    /** Answers 503 and closes: written at once on a fresh connection, the few bytes cannot block the accepting thread. */
    private void refuse(Socket socket, String why) {
        try (socket) {
            socket.getOutputStream().write(HttpConnection.response(Reply.text(503, why + "\n"), false));
        } catch (IOException e) {
            // the client is gone already
        } finally {
            open.remove(socket);
        }
    }

    private static Reply answer(Request request, List<Map.Entry<String, Route>> routes) {
        String path = request.path();
        Optional<Route> route = routes.stream()
                .filter(r -> r.getKey().equals(path) || r.getKey().endsWith("/") && path.startsWith(r.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
        if (route.isEmpty()) {
            // the path is the client's: shown with its control characters made visible, not sent on to a terminal
            return Reply.text(
                    404,
                    "not found: " + TerminalText.of(path) + " (served here: "
                            + String.join(
                                    ", ",
                                    routes.stream()
                                            .map(Map.Entry::getKey)
                                            .sorted()
                                            .toList()) + ")\n");
        }
        return answerSafely(route.get(), request);
    }

    private static Reply answerSafely(Route route, Request request) {
        try {
            return route.answer(request);
        } catch (IOException | RuntimeException e) {
            log.warn("{} {} failed: {}", request.method(), TerminalText.of(request.path()), e.toString());
            return Reply.text(500, "internal error: " + e.getMessage() + " (the process log has the details)\n");
        }
    }

    /** The query decoded; a malformed escape ({@code %} without two hex digits) is the client's error, 400. */
    static Map<String, List<String>> query(String raw) throws RequestRefused {
        try {
            return decodedQuery(raw);
        } catch (IllegalArgumentException e) {
            throw new RequestRefused(400, "the query is not URL-encoded: " + e.getMessage());
        }
    }

    private static Map<String, List<String>> decodedQuery(String raw) {
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

    /** The port bound, the one picked when the config said 0. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://HOST:PORT}, for log lines and for clients in the same process. */
    public String baseUrl() {
        String host = listener.getInetAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // not listening any more either way
        }
        try {
            // the JDK finishes closing a socket a thread is blocked accepting on when that thread leaves accept():
            // once it has, the port refuses connections
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdownNow();
        deadlines.shutdownNow();
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
