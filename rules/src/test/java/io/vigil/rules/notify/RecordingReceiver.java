package io.vigil.rules.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.events.WireCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** A local HTTP endpoint on 127.0.0.1 that keeps what it is sent and answers as told (202 unless a status is queued). */
public final class RecordingReceiver implements AutoCloseable {
    public record Request(String path, Map<String, List<String>> headers, String body, long receivedAtMillis) {
        public JsonNode json() {
            try {
                return WireCodec.json().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Integer> statuses = new ArrayDeque<>();

    public RecordingReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                int status;
                synchronized (this) {
                    requests.add(new Request(
                            exchange.getRequestURI().getPath(),
                            Map.copyOf(exchange.getRequestHeaders()),
                            body,
                            System.currentTimeMillis()));
                    status = statuses.isEmpty() ? 202 : statuses.poll();
                    notifyAll();
                }
                byte[] answer = (status == 400
                                ? "{\"status\":\"invalid event\",\"errors\":[\"'routing_key' is invalid\"]}"
                                : "{\"status\":\"success\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The next answers, in order, before 202 again. */
    public synchronized void answer(Integer... statuses) {
        this.statuses.addAll(List.of(statuses));
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
