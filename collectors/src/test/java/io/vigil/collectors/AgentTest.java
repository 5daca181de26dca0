package io.vigil.collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.config.AgentConfigLoader;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.Probe;
import io.vigil.events.Body;
import io.vigil.events.EventKind;
import io.vigil.events.Heartbeat;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.ProbeHealth;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation")
class AgentTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static AgentConfig config() throws Exception {
        return AgentConfigLoader.parse("agent.yaml", """
                cluster: pair-1
                node: node-a
                kafka: {bootstrap.servers: "127.0.0.1:9092"}
                metrics: {listen: "127.0.0.1:0"}
                heartbeat: {interval: 100ms}
                resources:
                  r0: {vms: [web]}
                """);
    }

    /** A VM probe as the integrator will wire it, answering from memory. */
    private record WebProbe(Map<String, String> vmToResource) implements PolledProbe {
        @Override
        public String name() {
            return "vm";
        }

        @Override
        public Duration interval() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(100);
        }

        @Override
        public List<Body> poll() {
            return List.of(new VmStatus(
                    "web",
                    Optional.empty(),
                    Hypervisor.LIBVIRT,
                    VmState.RUNNING,
                    Optional.of(1L << 30),
                    Optional.of(1L << 31),
                    Optional.of(2),
                    Optional.ofNullable(vmToResource.get("web")),
                    Liveness.NOT_CHECKED,
                    Optional.empty()));
        }
    }

    @Test
    void runsProbesAndHeartbeatPublishesEverythingAndServesMetricsUntilClosed() throws Exception {
        AgentConfig config = config();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Queue<Body> published = new ConcurrentLinkedQueue<>();
        HttpClient http = HttpClient.newHttpClient();
        int port;
        try (Agent agent =
                new Agent(config, List.of(new WebProbe(config.resources().vmToResource())), published::add, registry)) {
            port = agent.metricsPort();
            await().atMost(WAIT)
                    .until(() -> published.stream()
                            .anyMatch(b -> b instanceof Heartbeat h
                                    && h.probes().stream()
                                                    .filter(ProbeHealth::healthy)
                                                    .count()
                                            == 2));
            Heartbeat heartbeat = published.stream()
                    .filter(Heartbeat.class::isInstance)
                    .map(Heartbeat.class::cast)
                    .filter(h -> h.probes().size() == 2)
                    .findFirst()
                    .orElseThrow();
            assertEquals(
                    List.of("heartbeat", "vm"),
                    heartbeat.probes().stream().map(ProbeHealth::probe).toList());
            assertTrue(heartbeat.memoryTotalBytes() > 0);
            VmStatus vm = published.stream()
                    .filter(VmStatus.class::isInstance)
                    .map(VmStatus.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertEquals(Optional.of("r0"), vm.drbdResource());

            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("vigil_vm_up{cluster=\"pair-1\",node=\"node-a\",vm=\"web\",} 1.0"), metrics);
            assertTrue(metrics.contains("vigil_host_memory_total_bytes{cluster=\"pair-1\",node=\"node-a\",}"), metrics);
            // the agent's own series carry cluster and node as its host's do: one dashboard filters them all alike
            assertTrue(
                    metrics.contains(
                            "vigil_agent_probe_up{cluster=\"pair-1\",node=\"node-a\",probe=\"heartbeat\",} 1.0"),
                    metrics);
        }
        assertThrows(
                java.net.ConnectException.class,
                () -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        await().atMost(WAIT)
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.isAlive() && t.getName().startsWith("vigil-")));
        assertTrue(registry.find("vigil.vm.up").gauges().isEmpty(), "host-state series are removed on close");
    }

    @Test
    void refusesAProbeNamedLikeItsOwnHeartbeat() throws Exception {
        Probe heartbeat = new PolledProbe() {
            @Override
            public String name() {
                return "heartbeat";
            }

            @Override
            public Duration interval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public List<Body> poll() {
                return List.of();
            }
        };
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Agent(
                        config(), List.of(heartbeat), b -> {}, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
        assertEquals("the agent runs its own heartbeat; drop the probe named 'heartbeat'", e.getMessage());
    }

    @Test
    void removesSeriesAfterThreeMissedRoundsOfTheirProbe() throws Exception {
        Map<EventKind, Duration> stale = Agent.staleAfter(AgentConfig.withDefaults("p", "n", Map.of()));
        assertEquals(Duration.ofSeconds(40), stale.get(EventKind.VM));
        assertEquals(Duration.ofSeconds(35), stale.get(EventKind.DRBD));
        assertEquals(Duration.ofSeconds(210), stale.get(EventKind.DISK));
    }
}
