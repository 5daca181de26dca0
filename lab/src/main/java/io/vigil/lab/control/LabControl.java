package io.vigil.lab.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.lab.sim.FaultOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Lets {@code vigil lab inject ...} in another terminal reach the running lab: a small HTTP
 * endpoint on 127.0.0.1 that takes one fault line per POST, and a file that says where it is.
 */
public final class LabControl implements AutoCloseable {
    /** Where a running lab says its control address is; one lab per user at a time owns it. */
    public static final Path ADDRESS_FILE = Path.of(System.getProperty("java.io.tmpdir"),
            "vigil-lab-" + System.getProperty("user.name", "user") + ".url");
    static final int MAX_LINE = 512;

    private final HttpServer server;
    private final String url;

    public LabControl(Function<String, FaultOutcome> injector) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/faults", exchange -> handle(exchange, injector));
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/faults";
        Files.writeString(ADDRESS_FILE, url + "\n", StandardCharsets.UTF_8);
    }

    public String url() {
        return url;
    }

    private static void handle(HttpExchange exchange, Function<String, FaultOutcome> injector) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "POST one fault line, e.g. 'disk-fail node-a /dev/sda'\n");
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(MAX_LINE + 1);
            if (body.length > MAX_LINE) {
                reply(exchange, 413, "a fault line is at most " + MAX_LINE + " bytes\n");
                return;
            }
            FaultOutcome outcome = injector.apply(new String(body, StandardCharsets.UTF_8).strip());
            reply(exchange, outcome.applied() ? 200 : 422, outcome.message() + "\n");
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            if (Files.readString(ADDRESS_FILE).strip().equals(url)) {
                Files.deleteIfExists(ADDRESS_FILE);
            }
        } catch (IOException e) {
            // another lab took the file over, or it is gone already: nothing to clean up
        }
    }
}
