package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.Roster;
import io.vigil.service.http.ListenAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine instances on topics of one partition each: one of them holds no task of the stores
 * the API reads (more instances than partitions). It is running, holds nothing, and says so: its
 * peer does not list it as unreachable, and an approval of an unknown saga is a 404, not a 503.
 */
class IdleInstanceTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anInstanceWithoutTasksAnswersThatItHoldsNothing(@TempDir Path dir) throws Exception {
        Path topology = Files.writeString(dir.resolve("topology.yaml"), EngineHarness.ONE_VM_TOPOLOGY);
        Path key = Files.writeString(dir.resolve("action.key"), "a-test-key-of-at-least-thirty-two-bytes\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Engine a = Engine.start(
                        config(kafka, dir, "a", topology, key), EngineHarness.pack(), EngineHarness.registry());
                Engine b = Engine.start(
                        config(kafka, dir, "b", topology, key), EngineHarness.pack(), EngineHarness.registry())) {
            List<Engine> both = List.of(a, b);
            // each instance's state and its answers for what it holds: running, and both say 200
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> both.stream()
                                    .map(e -> e.state() + " sagas " + status(e, "GET", "/api/sagas?local=true")
                                            + " alerts " + status(e, "GET", "/api/alerts?local=true"))
                                    .toList(),
                            states -> states.equals(
                                    List.of("RUNNING sagas 200 alerts 200", "RUNNING sagas 200 alerts 200")));
            for (Engine e : both) {
                assertEquals("{\"sagas\":[],\"instances\":2,\"unreachable\":[]}", body(e, "GET", "/api/sagas"));
                assertEquals(
                        404, status(e, "POST", "/api/sagas/pair-1:r0:9/approve"), "no such saga on either instance");
            }
        }
    }

    private static EngineConfig config(EmbeddedKafka kafka, Path dir, String name, Path topology, Path key)
            throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        EngineConfig c = EngineHarness.config(
                kafka.bootstrapServers(),
                dir.resolve("state-" + name),
                "vigil-idle-instance",
                Roster.empty(),
                ScaleOutTest.TIMING,
                Optional.of("127.0.0.1:" + port),
                new ListenAddress("127.0.0.1", port));
        c = new EngineConfig(
                c.kafka(),
                c.applicationId(),
                c.stateDir(),
                c.streamThreads(),
                c.rules(),
                c.roster(),
                new EngineConfig.Topics(true, 1, (short) 1),
                c.timing(),
                c.http(),
                c.notifications(),
                c.limits(),
                c.failover());
        return EngineHarness.withFailover(c, topology, key);
    }

    private int status(Engine engine, String method, String path) {
        return answer(engine, method, path).statusCode();
    }

    private String body(Engine engine, String method, String path) {
        return answer(engine, method, path).body();
    }

    private HttpResponse<String> answer(Engine engine, String method, String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(engine.apiUrl() + path))
                            .timeout(Duration.ofSeconds(20))
                            .method(method, HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
