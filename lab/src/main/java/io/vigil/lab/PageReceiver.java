package io.vigil.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.events.WireCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pager on 127.0.0.1 that takes the notifier's webhook (Alertmanager's payload) and keeps each
 * alert it was told about, with when it arrived: what a human's phone would have shown. A body
 * that is not such a payload is answered 400 and kept out, and the receiver goes on. Several
 * senders can page the same receiver, each on a URL of its own ({@link #url(String)}), and each
 * page says which one it came through.
 */
public final class PageReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PageReceiver.class);

    /**
     * One alert of one delivery: its status ("firing", "resolved"), name and labels, and the
     * sender's name it came through ({@link #url(String)}; empty through {@link #url()}).
     */
    public record Page(Instant at, String status, String alertname, Map<String, String> labels, String via) {
        public Page {
            labels = Map.copyOf(labels);
        }
    }

    private static final String PATH = "/page";
    private static final Pattern SENDER = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");

    private final HttpServer server;
    private final List<Page> pages = new ArrayList<>();

    private PageReceiver(HttpServer server) {
        this.server = server;
    }

    public static PageReceiver start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("the page receiver could not listen on 127.0.0.1: " + e.getMessage(), e);
        }
        PageReceiver receiver = new PageReceiver(server);
        server.createContext(PATH, exchange -> {
            try (exchange) {
                Instant at = Instant.now();
                String path = exchange.getRequestURI().getPath();
                String via = path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : "";
                if (!path.equals(PATH) && !SENDER.matcher(via).matches()) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                List<Page> delivered;
                try {
                    delivered = pages(
                            at,
                            via,
                            WireCodec.json().readTree(exchange.getRequestBody().readAllBytes()));
                } catch (IOException | IllegalArgumentException e) {
                    log.warn(
                            "page receiver: a delivery that is not a webhook payload was refused ({})", e.getMessage());
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                synchronized (receiver.pages) {
                    receiver.pages.addAll(delivered);
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return receiver;
    }

    private static List<Page> pages(Instant at, String via, JsonNode payload) {
        if (payload == null || !payload.path("alerts").isArray()) {
            throw new IllegalArgumentException("no alerts array");
        }
        List<Page> found = new ArrayList<>();
        for (JsonNode alert : payload.path("alerts")) {
            Map<String, String> labels = new TreeMap<>();
            for (Map.Entry<String, JsonNode> label : alert.path("labels").properties()) {
                labels.put(label.getKey(), label.getValue().asText());
            }
            found.add(new Page(
                    at,
                    alert.path("status").asText(payload.path("status").asText()),
                    labels.getOrDefault("alertname", ""),
                    labels,
                    via));
        }
        return found;
    }

    /** Where the notifier's webhook receiver should send. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Where SENDER (a short lower-case name: "vigil", "alertmanager") should send, so that its pages say {@code via} SENDER. */
    public URI url(String sender) {
        if (!SENDER.matcher(sender).matches()) {
            throw new IllegalArgumentException(
                    "a sender's name is lower-case letters, digits and '-', at most 31: '" + sender + "'");
        }
        return URI.create(url() + "/" + sender);
    }

    /** Every alert delivered so far, in the order they came. */
    public List<Page> pages() {
        synchronized (pages) {
            return List.copyOf(pages);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
