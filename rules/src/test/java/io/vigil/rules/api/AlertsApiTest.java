package io.vigil.rules.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import io.vigil.service.http.HttpEndpoint;
import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertsApiTest {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(1);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void peersAreAskedTogetherSoHangingOnesCostOneTimeoutAndAreNamed() throws Exception {
        List<String> hanging = List.of(hangingPeer(), hangingPeer(), hangingPeer());
        String answering = answeringPeer("""
                {"alerts": [{"fingerprint": "f1", "rule": "DrbdDegraded", "state": "firing", "labels": {"cluster": "pair-1", "node": "node-b"}}]}
                """);
        List<String> peers = List.of(hanging.get(0), answering, hanging.get(1), hanging.get(2));
        AlertsApi api = new AlertsApi(List::of, () -> peers, Duration.ofMinutes(5), Clock.systemUTC(), PEER_TIMEOUT);

        long start = System.nanoTime();
        Reply reply = api.answer(new Request("GET", "/api/alerts", Map.of(), Map.of(), new byte[0]));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        JsonNode root = WireCodec.json().readTree(reply.body());
        assertEquals(200, reply.status());
        // one after the other, three hanging peers would cost three timeouts
        assertTrue(
                took.compareTo(PEER_TIMEOUT.multipliedBy(2)) < 0, "answered in " + took + " with three peers hanging");
        assertEquals(5, root.path("instances").asInt());
        List<String> unreachable = new ArrayList<>();
        root.path("unreachable").forEach(n -> unreachable.add(n.asText()));
        assertEquals(hanging, unreachable);
        assertEquals("f1", root.path("alerts").path(0).path("fingerprint").asText(), root.toString());
    }

    /** A peer that takes the connection and never says a word. */
    private String hangingPeer() throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        open.add(server);
        List<Socket> held = new ArrayList<>();
        Thread accepting = new Thread(
                () -> {
                    try {
                        while (!server.isClosed()) {
                            held.add(server.accept());
                        }
                    } catch (IOException e) {
                        held.forEach(s -> {
                            try {
                                s.close();
                            } catch (IOException ignored) {
                                // closing a test's socket
                            }
                        });
                    }
                },
                "hanging-peer");
        accepting.setDaemon(true);
        accepting.start();
        return "127.0.0.1:" + server.getLocalPort();
    }

    private String answeringPeer(String json) {
        HttpEndpoint peer = HttpEndpoint.serve(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("/api/alerts", request -> Reply.json(200, json.getBytes(StandardCharsets.UTF_8))));
        open.add(peer);
        return "127.0.0.1:" + peer.port();
    }
}
