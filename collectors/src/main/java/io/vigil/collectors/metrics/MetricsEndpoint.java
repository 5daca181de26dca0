package io.vigil.collectors.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the registry on {@code GET /metrics} in Prometheus text format 0.0.4, with the JDK's own
 * HTTP server (no web framework for one path). Everything else is 404. One daemon thread answers:
 * a scrape is cheap and Prometheus scrapes one at a time.
 */
// the simpleclient Prometheus registry is deprecated upstream; the project chose it (text format 0.0.4)
@SuppressWarnings("deprecation")
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService thread;

    /** Binds at once; port 0 picks a free port (see {@link #port()}). */
    public MetricsEndpoint(PrometheusMeterRegistry registry, InetSocketAddress listen) {
        try {
            server = HttpServer.create(listen, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /metrics on " + listen + ": " + e.getMessage()
                    + " (is another agent or exporter using the port? see metrics.listen)", e);
        }
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "vigil-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/", exchange -> answer(exchange, registry));
        server.start();
        log.info("serving metrics on http://{}:{}/metrics", hostText(server.getAddress()), port());
    }

    private static String hostText(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "use GET\n", method);
            } else {
                reply(exchange, 200, TextFormat.CONTENT_TYPE_004, registry.scrape(TextFormat.CONTENT_TYPE_004), method);
            }
        } catch (RuntimeException e) {
            log.warn("a /metrics scrape failed: {}", e.toString());
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port bound, the one picked when the config said 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
