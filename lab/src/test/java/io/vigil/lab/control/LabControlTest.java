package io.vigil.lab.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vigil.sim.FaultOutcome;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's control endpoint takes fault lines while a slow client holds connections to it. */
class LabControlTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void takesAFaultWhileASlowClientHoldsConnections() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try (LabControl control = new LabControl(line -> new FaultOutcome(true, "applied " + line))) {
            URI faults = URI.create(control.url());
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket(
                        InetAddress.getByName(faults.getHost()),
                        faults.getPort(),
                        InetAddress.getByName("127.0.0.2"),
                        0);
                slow.add(s);
                OutputStream out = s.getOutputStream();
                out.write("POST /faults HTTP/1.1\r\nHost: lab\r\nContent-Le".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            HttpResponse<String> applied = assertTimeoutPreemptively(
                    Duration.ofSeconds(2),
                    () -> http.send(
                            HttpRequest.newBuilder(faults)
                                    .timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString("link-cut"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
            assertEquals(200, applied.statusCode());
            assertEquals("applied link-cut\n", applied.body());
            HttpResponse<String> get = http.send(
                    HttpRequest.newBuilder(faults)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode());
            assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }
}
