package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil notify test: one notification through a receiver of the config, and what it answered. */
class NotifyCommandTest {
    @Test
    void sendsATestNotificationAndPrintsTheAnswer(@TempDir Path dir) throws Exception {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/", exchange -> {
            try (exchange) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                int status = exchange.getRequestURI().getPath().equals("/bad") ? 400 : 200;
                byte[] answer = (status == 400 ? "unknown field 'x'" : "ok").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Files.writeString(dir.resolve("token"), "t0ken\n");
            Files.writeString(dir.resolve("engine.yaml"), """
                    kafka: {bootstrap.servers: "127.0.0.1:1"}
                    rules: [rules]
                    notify:
                      receivers:
                        - name: hook
                          webhook: {url: "%s/ok", bearer_token_file: token}
                        - name: picky
                          webhook: {url: "%s/bad"}
                        - name: screen
                          console: {}
                      route: {receiver: hook}
                    """.formatted(base, base));
            String config = dir.resolve("engine.yaml").toString();
            CommandOutput ok = CommandOutput.run("notify", "test", "hook", "--config", config);
            assertEquals(0, ok.exitCode(), ok.err());
            assertTrue(ok.out().contains("delivered: 200 ok"), ok.out());
            assertTrue(bodies.get(0).contains("\"alertname\":\"VigilTestNotification\""), bodies.get(0));
            assertTrue(!ok.out().contains("t0ken") && !ok.err().contains("t0ken"), "the secret is not printed");
            CommandOutput refused = CommandOutput.run("notify", "test", "picky", "--config", config);
            assertEquals(1, refused.exitCode());
            assertTrue(
                    refused.err().contains("refused (not worth a retry)")
                            && refused.err().contains("400 unknown field 'x'"),
                    refused.err());
            CommandOutput screen = CommandOutput.run("notify", "test", "screen", "--config", config);
            assertEquals(0, screen.exitCode());
            assertTrue(screen.out().contains("[FIRING:1] info vigil: a test notification"), screen.out());
            CommandOutput unknown = CommandOutput.run("notify", "test", "pager", "--config", config);
            assertEquals(2, unknown.exitCode());
            assertTrue(
                    unknown.err().contains("has no receiver 'pager' (receivers: [hook, picky, screen])"),
                    unknown.err());
        } finally {
            server.stop(0);
        }
    }
}
