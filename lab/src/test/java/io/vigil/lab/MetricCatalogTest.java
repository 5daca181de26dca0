package io.vigil.lab;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.collectors.metrics.HostStateMetrics;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdRole;
import io.vigil.events.LvmReport;
import io.vigil.events.ReplicationState;
import io.vigil.lab.MetricCatalog.Exporter;
import io.vigil.sim.FaultOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md is held equal to the code: the lab's real agents and engine are scraped through
 * a disk failure, the failover, the disk's replacement and resync, and the failback, and every
 * metric family they export must have its entry (type and label names alike) and every entry its
 * family. What the lab's simulated hosts cannot show (thin pools, snapshots, DRBD's debugfs) is
 * fed to a real agent metrics view by the test.
 */
@SuppressWarnings(
        "deprecation") // the simpleclient Prometheus registry (text format 0.0.4), as the agent and engine use it
class MetricCatalogTest {
    private static final Path CATALOG = Path.of("..", "docs", "metrics.md");
    private static final Duration BOUND = Duration.ofSeconds(90);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theCatalogListsEveryMetricTheAgentsAndTheEngineExportWithItsTypeAndLabelsAndNothingElse(@TempDir Path dir)
            throws Exception {
        Exposition exported = new Exposition();
        try (Lab lab = Lab.start(dir)) {
            LabRestartTest.awaitSettled(lab);
            await().atMost(BOUND)
                    .until(() ->
                            LabFailoverTest.vmsReported(lab, "node-a") && LabFailoverTest.vmsReported(lab, "node-b"));
            // what is known once every probe ran: the engine has heard both hosts
            await().atMost(BOUND)
                    .until(() -> value(engine(lab), lastHeard("node-a")).isPresent()
                            && value(engine(lab), lastHeard("node-b")).isPresent());
            scrapeAll(lab, exported);

            FaultOutcome failed = lab.inject("disk-fail node-a /dev/sda");
            assertTrue(failed.applied(), failed.message());
            await().atMost(BOUND)
                    .until(() -> value(
                                    engine(lab),
                                    "vigil_failover_phase{cluster=\"pair-1\",phase=\"FailedOver\",resource=\"r0\",}")
                            .equals(OptionalDouble.of(1)));
            String failedOver = engine(lab);
            // every family is there now: the exposition itself must follow Prometheus's rules, as promtool checks them
            assertPassesPromtool("the engine's /metrics", failedOver);
            for (Lab.RunningAgent agent : lab.agents()) {
                assertPassesPromtool(agent.node() + "'s /metrics", get(agent.metricsUrl()));
            }
            assertEquals(OptionalDouble.of(1), value(failedOver, "vigil_failover_duration_seconds_count"), failedOver);
            // /dev/sda carries both r0's and r1's disks on node-a: two alerts of one name. The gauge reads the stores
            // at most
            // once a second, so a scrape right after the failover may still show the count of a moment before: awaited
            await().atMost(BOUND).untilAsserted(() -> {
                String scrape = engine(lab);
                assertEquals(
                        OptionalDouble.of(2),
                        value(
                                scrape,
                                "vigil_engine_alerts{alertname=\"DrbdLocalDiskLost\",cluster=\"pair-1\",severity=\"critical\",state=\"firing\",}"),
                        () -> scrape.lines()
                                .filter(l -> l.startsWith("vigil_engine_alerts{") && !l.endsWith(" 0.0"))
                                .toList()
                                .toString());
            });
            scrapeAll(lab, exported);

            FaultOutcome replaced = lab.inject("disk-replace node-a /dev/sda");
            assertTrue(replaced.applied(), replaced.message());
            // a resync's progress, rate and estimate exist only while it runs
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> {
                String scrape = agent(lab, "node-b");
                boolean syncing = scrape.contains("vigil_drbd_peer_device_sync_done_ratio{")
                        && scrape.contains("vigil_drbd_peer_device_sync_eta_seconds{")
                        && scrape.contains("vigil_drbd_peer_device_sync_rate_bytes_per_second{");
                if (syncing) {
                    exported.add(scrape, Exporter.AGENT);
                }
                return syncing;
            });
            scrapeAll(lab, exported);
            await().atMost(BOUND)
                    .until(() -> lab.pair().hostsRunning("web").equals(List.of("node-a"))
                            && value(
                                            engine(lab),
                                            "vigil_failover_sagas_total{outcome=\"failed-back\",way=\"live-evacuation\",}")
                                    .equals(OptionalDouble.of(1)));
            scrapeAll(lab, exported);
        }
        exported.add(whatTheLabCannotShow(), Exporter.AGENT);

        MetricCatalog catalog = MetricCatalog.read(CATALOG);
        List<String> differences = catalog.differences(exported.families(), "docs/metrics.md");
        assertEquals(List.of(), differences, () -> String.join("\n", differences));
    }

    @Test
    void aMetricWithoutAnEntryAndAnEntryWithoutAMetricAreBothNamedWithTheirLine() {
        MetricCatalog catalog = MetricCatalog.parse(
                "metrics.md",
                List.of(
                        "## Agent",
                        "| Metric | Type | Unit | Labels | Meaning |",
                        "|---|---|---|---|---|",
                        "| `vigil_vm_up` | gauge | 0/1 | `cluster, node, vm` | 1 when the VM runs |",
                        "| `vigil_vm_gone` | gauge | 0/1 | `cluster, node, vm` | a metric the code no longer has |",
                        "| `vigil_vm_vcpus` | counter | vCPUs | `cluster, node` | listed with the wrong type and labels |",
                        "## Engine",
                        "| Metric | Type | Unit | Labels | Across instances | Meaning |",
                        "|---|---|---|---|---|---|",
                        "| `vigil_engine_running` | gauge | 0/1 | | everywhere | 1 while it evaluates |"));
        Exposition exported = new Exposition();
        exported.add("""
                # TYPE vigil_vm_up gauge
                vigil_vm_up{cluster="pair-1",node="node-a",vm="web",} 1.0
                # TYPE vigil_vm_vcpus gauge
                vigil_vm_vcpus{cluster="pair-1",node="node-a",vm="web",} 2.0
                # TYPE vigil_vm_new_total counter
                vigil_vm_new_total{cluster="pair-1",node="node-a",} 0.0
                # TYPE vigil_agent_probe_duration_seconds summary
                vigil_agent_probe_duration_seconds_count{probe="lvm",} 1.0
                # TYPE vigil_agent_probe_duration_seconds_max gauge
                vigil_agent_probe_duration_seconds_max{probe="lvm",} 0.1
                """, Exporter.AGENT);
        exported.add("# TYPE vigil_engine_running gauge\nvigil_engine_running 1.0\n", Exporter.ENGINE);
        assertEquals(
                List.of(
                        "metrics.md:10: vigil_engine_running: across instances 'everywhere' is none of "
                                + MetricCatalog.ACROSS_INSTANCES,
                        "vigil_agent_probe_duration_seconds (summary, labels [probe]) is exported by the agent but has no entry in metrics.md",
                        "vigil_vm_new_total (counter, labels [cluster, node]) is exported by the agent but has no entry in metrics.md",
                        "metrics.md:6: vigil_vm_vcpus is listed as a counter but exported as a gauge",
                        "metrics.md:6: vigil_vm_vcpus is listed with labels [cluster, node] but exported with [cluster, node, vm]",
                        "metrics.md:5: vigil_vm_gone is listed but neither the agents nor the engine exported it"),
                catalog.differences(exported.families(), "metrics.md"));
    }

    /** A snapshot, which the lab's hosts do not have (with a thin pool and a debugfs reading, which they have too). */
    private static String whatTheLabCannotShow() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HostStateMetrics host =
                new HostStateMetrics(registry, "pair-1", "node-a", body -> {}, Map.of(), Clock.systemUTC());
        host.emit(new LvmReport(
                List.of(new LvmReport.VolumeGroup("vg0", 1L << 40, 1L << 39, 1, 3)),
                List.of(
                        new LvmReport.LogicalVolume(
                                "vg0",
                                "pool",
                                1L << 36,
                                "twi-aotz--",
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(61.5),
                                Optional.of(12.0),
                                Optional.empty(),
                                Optional.empty()),
                        new LvmReport.LogicalVolume(
                                "vg0",
                                "r0-disk",
                                1L << 34,
                                "Vwi-aotz--",
                                Optional.of("pool"),
                                Optional.empty(),
                                Optional.of(40.0),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of("r0")),
                        new LvmReport.LogicalVolume(
                                "vg0",
                                "r0-snap",
                                1L << 30,
                                "swi-a-s---",
                                Optional.empty(),
                                Optional.of("r0-disk"),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(3.0),
                                Optional.empty()))));
        host.emit(new DrbdResource(
                "r0",
                DrbdRole.PRIMARY,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(new DrbdResource.DrbdDevice(
                        0, 0, DiskState.UP_TO_DATE, false, Optional.empty(), Optional.empty())),
                List.of(new DrbdResource.DrbdConnection(
                        "node-b",
                        1,
                        ConnectionState.CONNECTED,
                        DrbdRole.SECONDARY,
                        false,
                        Optional.of(0L),
                        Optional.of(0L),
                        List.of(),
                        List.of(new DrbdResource.DrbdPeerDevice(
                                0,
                                ReplicationState.ESTABLISHED,
                                DiskState.UP_TO_DATE,
                                false,
                                false,
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())),
                        new DrbdResource.ReplicationLatency(Optional.of(0.0004), Optional.of(0.02))))));
        return registry.scrape();
    }

    /** {@code promtool check metrics} finds nothing to say (promtool comes with Debian's prometheus package). */
    private static void assertPassesPromtool(String what, String scrape) throws Exception {
        Process check;
        try {
            check = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            throw new AssertionError("promtool is not installed; install it with: apt-get install -y prometheus", e);
        }
        try (var in = check.getOutputStream()) {
            in.write(scrape.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String output = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(
                "",
                output.strip(),
                () -> "promtool check metrics on " + what + " (exit " + check.exitValue() + "):\n" + output);
        assertEquals(0, check.exitValue(), what);
    }

    private void scrapeAll(Lab lab, Exposition exported) throws Exception {
        for (Lab.RunningAgent agent : lab.agents()) {
            exported.add(get(agent.metricsUrl()), Exporter.AGENT);
        }
        exported.add(engine(lab), Exporter.ENGINE);
    }

    private String agent(Lab lab, String node) throws Exception {
        return get(lab.agents().stream()
                .filter(a -> a.node().equals(node))
                .findFirst()
                .orElseThrow()
                .metricsUrl());
    }

    private String engine(Lab lab) throws Exception {
        return get(lab.engine().apiUrl() + "/metrics");
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }

    private static String lastHeard(String node) {
        return "vigil_engine_node_last_heard_timestamp_seconds{cluster=\"pair-1\",node=\"" + node + "\",}";
    }

    /** The value of one series in a scrape, empty when absent. */
    private static OptionalDouble value(String scrape, String series) {
        return scrape.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .findFirst();
    }
}
