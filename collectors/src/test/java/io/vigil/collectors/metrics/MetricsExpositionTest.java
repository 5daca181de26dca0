package io.vigil.collectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.collectors.schedule.ProbeHealthBoard;
import io.vigil.events.VmState;
import io.vigil.service.http.HttpEndpoint;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation")
/** The agent's host state as Prometheus reads it: scraped over HTTP, names and labels checked, linted by promtool. */
class MetricsExpositionTest {
    private static final String PROMTOOL_INSTALL = "apt-get install -y prometheus";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpEndpoint endpoint;
    private HostStateMetrics host; // a field: the view must stay reachable, as in the agent

    @BeforeEach
    void serveAHostsState() {
        host = new HostStateMetrics(registry, "pair-1", "node-a", body -> {}, Map.of(), Clock.systemUTC());
        host.emit(HostStates.r0Resyncing());
        host.emit(HostStates.r1Secondary());
        host.emit(HostStates.sda());
        host.emit(HostStates.megaraid(0));
        host.emit(HostStates.lvm(true));
        host.emit(HostStates.vm("web", VmState.RUNNING));
        host.emit(HostStates.heartbeat());
        ProbeHealthBoard board = new ProbeHealthBoard(registry, "pair-1", "node-a", Clock.systemUTC());
        board.succeeded("lvm");
        board.recordDuration("lvm", Duration.ofMillis(42));
        board.failed("smart", "smartctl exited 2");
        endpoint = HttpEndpoint.metrics(registry, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() {
        endpoint.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryInPrometheusTextFormatWithNamesAndLabels() throws Exception {
        assertNotEquals(0, endpoint.port());
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals(
                "text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        String body = response.body();
        List<String> expected = List.of(
                "# TYPE vigil_drbd_resource_role gauge",
                "vigil_drbd_resource_role{cluster=\"pair-1\",node=\"node-a\",resource=\"r0\",role=\"Primary\",} 1.0",
                "vigil_drbd_device_disk_state{cluster=\"pair-1\",node=\"node-a\",resource=\"r0\",state=\"UpToDate\",volume=\"0\",} 1.0",
                "vigil_drbd_connection_state{cluster=\"pair-1\",node=\"node-a\",peer=\"node-b\",resource=\"r0\",state=\"Connected\",} 1.0",
                "vigil_drbd_connection_round_trip_seconds{cluster=\"pair-1\",node=\"node-a\",peer=\"node-b\",resource=\"r0\",} 4.2E-5",
                "vigil_drbd_peer_device_out_of_sync_bytes{cluster=\"pair-1\",node=\"node-a\",peer=\"node-b\",resource=\"r0\",volume=\"0\",} 4194304.0",
                "vigil_drbd_peer_device_sync_done_ratio{cluster=\"pair-1\",node=\"node-a\",peer=\"node-b\",resource=\"r0\",volume=\"0\",} 0.375",
                "# TYPE vigil_drbd_peer_device_sent_bytes_total counter",
                "vigil_drbd_peer_device_sent_bytes_total{cluster=\"pair-1\",node=\"node-a\",peer=\"node-b\",resource=\"r0\",volume=\"0\",} 1048576.0",
                "vigil_disk_temperature_celsius{cluster=\"pair-1\",device=\"/dev/sda\",node=\"node-a\",type=\"\",} 34.0",
                "vigil_disk_power_on_seconds{cluster=\"pair-1\",device=\"/dev/sda\",node=\"node-a\",type=\"\",} 9.36E7",
                "vigil_disk_smart_passed{cluster=\"pair-1\",device=\"/dev/bus/0\",node=\"node-a\",type=\"megaraid,0\",} 1.0",
                "vigil_lvm_vg_free_bytes{cluster=\"pair-1\",node=\"node-a\",vg=\"vg0\",} 2.147483648E10",
                "vigil_lvm_lv_data_used_ratio{cluster=\"pair-1\",lv=\"pool\",node=\"node-a\",vg=\"vg0\",} 0.615",
                "vigil_vm_up{cluster=\"pair-1\",node=\"node-a\",vm=\"web\",} 1.0",
                "vigil_vm_memory_bytes{cluster=\"pair-1\",node=\"node-a\",vm=\"web\",} 2.147483648E9",
                "vigil_host_memory_available_bytes{cluster=\"pair-1\",node=\"node-a\",} 8.388608E9",
                // the agent's own series carry cluster and node too, as every series of the agent does
                "vigil_agent_probe_up{cluster=\"pair-1\",node=\"node-a\",probe=\"smart\",} 0.0",
                "vigil_agent_probe_failures_total{cluster=\"pair-1\",node=\"node-a\",probe=\"smart\",} 1.0",
                "vigil_agent_probe_duration_seconds_count{cluster=\"pair-1\",node=\"node-a\",probe=\"lvm\",} 1.0");
        List<String> lines = body.lines().toList();
        for (String line : expected) {
            assertTrue(lines.contains(line), () -> "missing from /metrics: " + line + "\n" + body);
        }
    }

    @Test
    void theExpositionPassesPromtool() throws Exception {
        String promtool = promtool();
        String body = get("/metrics").body();
        Path scrape = Files.createTempFile("metrics", ".txt");
        Files.writeString(scrape, body);
        Process check = new ProcessBuilder(promtool, "check", "metrics")
                .redirectInput(scrape.toFile())
                .redirectErrorStream(true)
                .start();
        assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.delete(scrape);
        assertEquals(0, check.exitValue(), () -> "promtool check metrics found problems:\n" + output);
        assertEquals("", output.strip());
    }

    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, "promtool");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return fail("promtool is not installed; install it with: " + PROMTOOL_INSTALL);
    }
}
