package io.vigil.lab.dashboards;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.lab.Lab;
import io.vigil.lab.LabSetup;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedHost;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every query of every panel of every dashboard in dashboards/, run through a real Prometheus that
 * scrapes the lab's agents and engine, at the moments of a disk failure that matter: healthy, the
 * disk failed, failed over, resyncing, healthy again. Each query must be valid and return data,
 * save where {@link #MAY_BE_EMPTY} says why it honestly has none then; and the panels that state a
 * fact must state the right one, read through the panel's own value mappings as Grafana shows it.
 */
class DashboardsOnPrometheusTest {
    private static final Logger log = LoggerFactory.getLogger(DashboardsOnPrometheusTest.class);
    private static final Duration SCRAPE = Duration.ofSeconds(1);
    /** A moment's checks are retried this long: a scrape that misses its 1 s timeout on a busy machine leaves a gap of one interval. */
    private static final Duration SETTLE = Duration.ofSeconds(20);

    enum Moment {
        HEALTHY,
        DISK_FAILED,
        FAILING_OVER,
        FAILED_OVER,
        RESYNCING,
        HEALTHY_AGAIN
    }

    /** A query that may return nothing (or NaN) at these moments, and why that is the truth and not a broken panel. */
    record MayBeEmpty(String dashboard, String panel, String refId, Set<Moment> when, String why) {}

    private static final Set<Moment> ALWAYS = EnumSet.allOf(Moment.class);
    private static final Set<Moment> NO_RESYNC = EnumSet.complementOf(EnumSet.of(Moment.RESYNCING));
    private static final String ONLY_WHILE_RESYNCING = "DRBD reports a resync's figures only while one runs";

    static final List<MayBeEmpty> MAY_BE_EMPTY = List.of(
            new MayBeEmpty("replication.json", "Resync progress", "A", NO_RESYNC, ONLY_WHILE_RESYNCING),
            new MayBeEmpty("replication.json", "Resync rate", "A", NO_RESYNC, ONLY_WHILE_RESYNCING),
            new MayBeEmpty("replication.json", "Resync estimated time", "A", NO_RESYNC, ONLY_WHILE_RESYNCING),
            new MayBeEmpty(
                    "disks.json",
                    "smartctl flags raised",
                    "A",
                    EnumSet.of(Moment.HEALTHY, Moment.RESYNCING, Moment.HEALTHY_AGAIN),
                    "no drive raises a flag before /dev/sda fails, nor once it is replaced"),
            new MayBeEmpty(
                    "alerts-failovers.json",
                    "Pending and firing now",
                    "A",
                    EnumSet.of(Moment.HEALTHY, Moment.HEALTHY_AGAIN),
                    "no alert is pending or firing while the pair is healthy"),
            new MayBeEmpty(
                    "alerts-failovers.json",
                    "Failover duration",
                    "A",
                    EnumSet.of(Moment.HEALTHY, Moment.DISK_FAILED, Moment.FAILING_OVER),
                    "no failover has reached FailedOver yet (NaN over empty buckets)"),
            new MayBeEmpty(
                    "alerts-failovers.json",
                    "Failover duration",
                    "B",
                    EnumSet.of(Moment.HEALTHY, Moment.DISK_FAILED, Moment.FAILING_OVER),
                    "no failover has reached FailedOver yet (NaN over empty buckets)"),
            new MayBeEmpty(
                    "alerts-failovers.json",
                    "Vigil's own latency (p99)",
                    "B",
                    ALWAYS,
                    "event to alert is measured only in an interval in which an alert changed; the lab's alerts change at the faults"),
            new MayBeEmpty(
                    "alerts-failovers.json",
                    "Vigil's own latency (p99)",
                    "C",
                    ALWAYS,
                    "alert to delivery is measured only in an interval in which a notification went out"));

    private final List<DashboardFile> dashboards = DashboardFile.readAll(DashboardsGeneratedTest.FOLDER);

    @Test
    void everyPanelAnswersWithTheRightFactsThroughADiskFailureItsFailoverAndTheResync(@TempDir Path dir)
            throws Exception {
        long start = System.nanoTime();
        // the lab's pair with its failover in approve mode: the saga waits in AwaitingApproval until the test approves
        // it, so
        // Prometheus sees the wall's FAILING OVER (the failover itself takes about 2 s, less than a scrape interval or
        // two)
        try (Lab lab = Lab.start(dir.resolve("lab"), LabSetup.DEFAULT.withTopology(approveMode()));
                PrometheusFixture prometheus = PrometheusFixture.start(
                        dir.resolve("prometheus"),
                        Map.of(
                                "vigil-agent",
                                        lab.agents().stream()
                                                .map(a -> hostAndPort(a.metricsUrl()))
                                                .toList(),
                                "vigil-engine", List.of(hostAndPort(lab.engineApiUrl()))),
                        SCRAPE)) {
            Wall wall = new Wall(prometheus);
            Instant runStart = Instant.now();

            check(prometheus, Moment.HEALTHY, Duration.ofSeconds(90), at -> {
                assertEquals("OK", wall.read("Pair", at).get("pair-1"), "the wall's pair");
                assertEquals("Healthy", wall.read("Failover", at).get("pair-1 r0"), "the wall's failover of r0");
                assertEquals(
                        "UpToDate",
                        wall.read("DRBD local disks", at).get("node-a r0/0"),
                        "the wall's DRBD disk of node-a r0");
                assertEquals("Primary", wall.read("DRBD roles", at).get("node-a r0"), "the wall's role of node-a r0");
                assertEquals(
                        "PASSED",
                        wall.read("Drives: SMART", at).get("node-a /dev/sda"),
                        "the wall's SMART of node-a /dev/sda");
                assertEquals(
                        "PASSED",
                        read(prometheus, "disks.json", "SMART health", "{{node}} {{device}}", at)
                                .get("node-a /dev/sda"));
                assertVariablesList(prometheus);
                // a fact from each thin pool and from DRBD's debugfs, as the simulator has them
                Map<String, String> thin = rawValue(prometheus, "capacity.json", "Thin pool fill", at);
                for (SimulatedHost host : lab.pair().hosts()) {
                    assertEquals(
                            host.thinPoolDataPercent("vg0", "pool0") / 100,
                            Double.parseDouble(thin.get("data " + host.name() + " vg0/pool0")),
                            1e-9,
                            "the capacity dashboard's fill of " + host.name() + "'s thin pool");
                }
                double oldest = Double.parseDouble(readRaw(
                                prometheus,
                                dashboard("replication.json"),
                                dashboard("replication.json").panel("Replication link"),
                                1,
                                null,
                                at)
                        .get("oldest request node-a to node-b (r0)"));
                assertTrue(
                        oldest > 0 && oldest < 0.01,
                        "node-b acks node-a's writes to r0 within a round trip: " + oldest + " s");
            });
            log.info("healthy on Prometheus {} s after the lab started", seconds(start));

            FaultOutcome failed = lab.inject("disk-fail node-a /dev/sda");
            assertTrue(failed.applied(), failed.message());
            long failedAt = System.nanoTime();
            check(prometheus, Moment.DISK_FAILED, Duration.ofSeconds(30), at -> {
                assertEquals(
                        "Diskless",
                        wall.read("DRBD local disks", at).get("node-a r0/0"),
                        "the wall's DRBD disk of node-a r0");
                assertEquals(
                        "FAILED",
                        wall.read("Drives: SMART", at).get("node-a /dev/sda"),
                        "the wall's SMART of node-a /dev/sda");
                assertEquals(
                        "FAILED",
                        read(prometheus, "disks.json", "SMART health", "{{node}} {{device}}", at)
                                .get("node-a /dev/sda"));
                assertTrue(
                        read(prometheus, "disks.json", "smartctl flags raised", "{{node}} {{device}} {{flag}}", at)
                                .containsKey("node-a /dev/sda disk-failing"),
                        "the disks dashboard shows /dev/sda failing its SMART check");
                assertTrue(
                        Set.of("DEGRADED", "FAILING OVER")
                                .contains(wall.read("Pair", at).get("pair-1")),
                        "the wall's pair");
            });

            check(prometheus, Moment.FAILING_OVER, Duration.ofSeconds(30), at -> {
                assertEquals("FAILING OVER", wall.read("Pair", at).get("pair-1"), "the wall's pair");
                assertEquals(
                        "AwaitingApproval", wall.read("Failover", at).get("pair-1 r0"), "the wall's failover of r0");
                assertEquals(
                        "AwaitingApproval",
                        read(prometheus, "alerts-failovers.json", "Failover phase", null, at)
                                .get("pair-1 r0"));
                JsonNode scrapes = prometheus.query(
                        "sum_over_time(vigil_failover_phase{cluster=\"pair-1\", resource=\"r0\", "
                                + "phase=\"AwaitingApproval\"}[10s])",
                        at);
                assertTrue(
                        scrapes.path("result").path(0).path("value").path(1).asDouble() >= 2,
                        "two scrapes saw it: " + scrapes);
            });
            approve(lab, "r0");

            // the phases the wall shows for r0 on its way to FailedOver, as often as Prometheus has a new sample
            Set<String> phases = new LinkedHashSet<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        Optional.ofNullable(wall.read("Failover", Instant.now()).get("pair-1 r0"))
                                .ifPresent(phases::add);
                        return phases.contains("FailedOver");
                    });
            log.info(
                    "the wall showed r0's failover as {}, FailedOver by {} s after the disk failed",
                    phases,
                    seconds(failedAt));
            check(prometheus, Moment.FAILED_OVER, Duration.ofSeconds(30), at -> {
                assertEquals("FailedOver", wall.read("Failover", at).get("pair-1 r0"), "the wall's failover of r0");
                assertEquals("DEGRADED", wall.read("Pair", at).get("pair-1"), "the wall's pair");
                assertEquals("Primary", wall.read("DRBD roles", at).get("node-b r0"), "the wall's role of node-b r0");
                assertEquals(
                        "running",
                        read(prometheus, "vms.json", "Where each VM runs", null, at)
                                .get("web on node-b"),
                        "web on node-b");
                assertEquals(
                        "FailedOver",
                        read(prometheus, "alerts-failovers.json", "Failover phase", null, at)
                                .get("pair-1 r0"));
            });

            FaultOutcome replaced = lab.inject("disk-replace node-a /dev/sda");
            assertTrue(replaced.applied(), replaced.message());
            long replacedAt = System.nanoTime();
            check(prometheus, Moment.RESYNCING, Duration.ofSeconds(60), at -> {
                assertEquals("Resyncing", wall.read("Failover", at).get("pair-1 r0"), "the wall's failover of r0");
                assertEquals(
                        "Inconsistent",
                        wall.read("DRBD local disks", at).get("node-a r0/0"),
                        "the wall's DRBD disk of node-a r0");
                assertEquals("DEGRADED", wall.read("Pair", at).get("pair-1"), "the wall's pair");
                assertTrue(
                        wall.read("DRBD replication", at).values().stream().anyMatch(s -> s.startsWith("Sync")),
                        "a resync on the wall");
                // node-b, Primary of r0 and the resync's source, sends the resync over the link its VMs' writes wait on
                double oldest = Double.parseDouble(readRaw(
                                prometheus,
                                dashboard("replication.json"),
                                dashboard("replication.json").panel("Replication link"),
                                1,
                                null,
                                at)
                        .get("oldest request node-b to node-a (r0)"));
                assertTrue(oldest >= 1, "the oldest request of node-b's r0 waits behind the resync: " + oldest + " s");
            });
            log.info("resyncing on Prometheus {} s after the disk was replaced", seconds(replacedAt));

            // the lab resyncs 20 GiB at its simulated 500 MiB/s on the wall clock, and fails back after: this moment is
            // reached
            // by waiting for it, as an operator would (measured below and in the report)
            check(prometheus, Moment.HEALTHY_AGAIN, Duration.ofSeconds(150), at -> {
                assertEquals("OK", wall.read("Pair", at).get("pair-1"), "the wall's pair");
                assertEquals("Healthy", wall.read("Failover", at).get("pair-1 r0"), "the wall's failover of r0");
                assertEquals(
                        "UpToDate",
                        wall.read("DRBD local disks", at).get("node-a r0/0"),
                        "the wall's DRBD disk of node-a r0");
                assertEquals("Primary", wall.read("DRBD roles", at).get("node-a r0"), "the wall's role of node-a r0");
                assertEquals(
                        "running",
                        read(prometheus, "vms.json", "Where each VM runs", null, at)
                                .get("web on node-a"),
                        "web on node-a");
                assertTrue(
                        Double.parseDouble(rawValue(prometheus, "alerts-failovers.json", "Failovers ended", at)
                                        .getOrDefault("live-evacuation failed-back", "0"))
                                > 0.5,
                        "the failover counted as ended, failed back");
            });
            log.info(
                    "healthy again on Prometheus {} s after the disk was replaced; the test ran {} s",
                    seconds(replacedAt),
                    seconds(start));
            everyQueryDrewOverTheRun(prometheus, runStart, Instant.now());
        }
    }

    /**
     * One moment: every query of every panel, all evaluated at one instant, with the moment's facts
     * at that instant; retried until {@code within} passes, as the facts take their time to come.
     */
    private void check(PrometheusFixture prometheus, Moment moment, Duration within, Facts facts) {
        long start = System.nanoTime();
        int[] checked = {0};
        await(moment.name()).atMost(within).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Instant at = Instant.now();
            List<String> problems = new ArrayList<>();
            int queries = 0;
            for (DashboardFile dashboard : dashboards) {
                GrafanaVariables variables = new GrafanaVariables(dashboard, SCRAPE);
                for (DashboardFile.Target target : dashboard.targets()) {
                    queries++;
                    try {
                        JsonNode data = prometheus.query(variables.substitute(target.expr()), at);
                        if (!hasValue(data) && !mayBeEmpty(target, moment)) {
                            problems.add(target.where() + " has no data: " + target.expr());
                        }
                    } catch (PrometheusFixture.InvalidQuery e) {
                        problems.add(target.where() + ": " + e.getMessage());
                    }
                }
            }
            assertEquals(
                    List.of(),
                    problems,
                    moment + ": " + problems.size() + " of " + queries + " queries:\n" + String.join("\n", problems));
            facts.hold(at);
            checked[0] = queries;
        });
        log.info(
                "{}: all {} queries of every panel answered, and the facts held, {} ms after the moment was looked for",
                moment,
                checked[0],
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * What a screen showing the whole run would draw: every query of every panel, asked as a
     * Grafana graph asks it (a range over the run, one step per scrape), drew at least one point.
     * No query is let off here: one that {@link #MAY_BE_EMPTY} lets be empty at a moment (a
     * resync's rate, the pipeline's latency in an interval without an alert change) has data at
     * another, so no panel is an empty box.
     */
    private void everyQueryDrewOverTheRun(PrometheusFixture prometheus, Instant from, Instant to) {
        List<String> problems = new ArrayList<>();
        int queries = 0;
        for (DashboardFile dashboard : dashboards) {
            GrafanaVariables variables = new GrafanaVariables(dashboard, SCRAPE);
            for (DashboardFile.Target target : dashboard.targets()) {
                queries++;
                JsonNode data = prometheus.queryRange(variables.substitute(target.expr()), from, to, SCRAPE);
                if (!drewAPoint(data)) {
                    problems.add(target.where() + " drew nothing over the run: " + target.expr());
                }
            }
        }
        assertEquals(
                List.of(),
                problems,
                "over the run from " + from + " to " + to + ", " + problems.size() + " of " + queries + " queries:\n"
                        + String.join("\n", problems));
        log.info(
                "over the run ({} s): all {} queries of every panel drew",
                Duration.between(from, to).toSeconds(),
                queries);
    }

    /** A range answer with at least one number in one of its series. */
    private static boolean drewAPoint(JsonNode data) {
        for (JsonNode series : data.path("result")) {
            for (JsonNode point : series.path("values")) {
                if (isNumber(point.path(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    @FunctionalInterface
    interface Facts {
        void hold(Instant at) throws Exception;
    }

    private static boolean mayBeEmpty(DashboardFile.Target target, Moment moment) {
        return MAY_BE_EMPTY.stream()
                .anyMatch(m -> m.dashboard().equals(target.dashboard().name())
                        && m.panel().equals(target.panel().path("title").asText())
                        && m.refId().equals(target.refId())
                        && m.when().contains(moment));
    }

    /** Data Grafana can draw: at least one sample (an instant query's vector, or a scalar) that is a number. */
    private static boolean hasValue(JsonNode data) {
        JsonNode result = data.path("result");
        if (data.path("resultType").asText().equals("scalar")) {
            return isNumber(result.path(1));
        }
        for (JsonNode series : result) {
            if (isNumber(series.path("value").path(1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(JsonNode sample) {
        return !Double.isNaN(Double.parseDouble(sample.asText("NaN")));
    }

    /** Every query variable lists what the lab has: the pair, and both its hosts. */
    private void assertVariablesList(PrometheusFixture prometheus) {
        Pattern labelValues = Pattern.compile("label_values\\((.*), *(\\w+)\\)");
        for (DashboardFile dashboard : dashboards) {
            GrafanaVariables variables = new GrafanaVariables(dashboard, SCRAPE);
            for (JsonNode variable : dashboard.variables()) {
                if (!variable.path("type").asText().equals("query")) {
                    continue;
                }
                Matcher m = labelValues.matcher(variable.path("query").asText());
                assertTrue(
                        m.matches(),
                        dashboard.name() + ": variable " + variable.path("name").asText()
                                + " is not label_values(...)");
                List<String> values = prometheus.labelValues(m.group(2), variables.substitute(m.group(1)));
                List<String> expected = m.group(2).equals("node") ? List.of("node-a", "node-b") : List.of("pair-1");
                assertEquals(
                        expected,
                        values,
                        dashboard.name() + ": variable " + variable.path("name").asText());
            }
        }
    }

    /** The wall's panels as they read now. */
    private final class Wall {
        private final PrometheusFixture prometheus;

        Wall(PrometheusFixture prometheus) {
            this.prometheus = prometheus;
        }

        /** Each value of the panel's first query, by its legend, as the panel shows it (the word its mappings give). */
        Map<String, String> read(String panel, Instant at) {
            return DashboardsOnPrometheusTest.this.read(prometheus, "wall.json", panel, null, at);
        }
    }

    /** A panel's first query as the panel shows it: each series by {@code key} (the legend when null), its value in words where the panel maps it. */
    Map<String, String> read(PrometheusFixture prometheus, String file, String title, String key, Instant at) {
        DashboardFile dashboard = dashboard(file);
        JsonNode panel = dashboard.panel(title);
        Map<String, String> shown = new LinkedHashMap<>();
        readRaw(prometheus, dashboard, panel, key, at).forEach((k, v) -> shown.put(k, shown(panel, v)));
        return shown;
    }

    private Map<String, String> rawValue(PrometheusFixture prometheus, String file, String title, Instant at) {
        DashboardFile dashboard = dashboard(file);
        return readRaw(prometheus, dashboard, dashboard.panel(title), 0, null, at);
    }

    private static Map<String, String> readRaw(
            PrometheusFixture prometheus, DashboardFile dashboard, JsonNode panel, String key, Instant at) {
        return readRaw(prometheus, dashboard, panel, 0, key, at);
    }

    /** The panel's query number {@code target} (0 is refId A), each series by {@code key} (the query's legend when null), its raw value. */
    private static Map<String, String> readRaw(
            PrometheusFixture prometheus, DashboardFile dashboard, JsonNode panel, int index, String key, Instant at) {
        JsonNode target = panel.path("targets").path(index);
        String format = key != null ? key : target.path("legendFormat").asText();
        JsonNode data = prometheus.query(
                new GrafanaVariables(dashboard, SCRAPE)
                        .substitute(target.path("expr").asText()),
                at);
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode series : data.path("result")) {
            String name = format;
            for (var label : series.path("metric").properties()) {
                name = name.replace(
                        "{{" + label.getKey() + "}}", label.getValue().asText());
            }
            values.put(name, series.path("value").path(1).asText());
        }
        return values;
    }

    /** The text Grafana shows for a value: its value mapping's word, NO DATA for NaN where mapped so, else the number. */
    private static String shown(JsonNode panel, String value) {
        double number = Double.parseDouble(value);
        for (JsonNode mapping : panel.path("fieldConfig").path("defaults").path("mappings")) {
            JsonNode options = mapping.path("options");
            if (mapping.path("type").asText().equals("value")) {
                String key = number == Math.rint(number) ? String.valueOf((long) number) : value;
                if (options.has(key)) {
                    return options.path(key).path("text").asText();
                }
            } else if (mapping.path("type").asText().equals("special")
                    && Double.isNaN(number)
                    && options.path("match").asText().contains("nan")) {
                return options.path("result").path("text").asText();
            }
        }
        return value;
    }

    /** The lab's topology with its failover in approve mode. */
    private static String approveMode() throws java.io.IOException {
        try (var in = Lab.class.getResourceAsStream("lab-topology.yaml")) {
            String topology = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(topology.contains("mode: auto"), "the lab's topology no longer says mode: auto");
            return topology.replace("mode: auto", "mode: approve");
        }
    }

    /** {@code vigil approve} of the resource's current saga, through the engine's API with the lab's token. */
    private static void approve(Lab lab, String resource) throws Exception {
        String token = java.nio.file.Files.readString(lab.failover().apiToken()).strip();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> sagas = http.send(
                java.net.http.HttpRequest.newBuilder(URI.create(lab.engineApiUrl() + "/api/sagas"))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String saga = "";
        for (JsonNode s : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(sagas.body())
                .path("sagas")) {
            if (s.path("resource").asText().equals(resource)
                    && s.path("phase").asText().equals("AwaitingApproval")) {
                saga = s.path("sagaId").asText();
            }
        }
        assertTrue(!saga.isEmpty(), "no saga of " + resource + " awaits approval: " + sagas.body());
        java.net.http.HttpResponse<String> approved = http.send(
                java.net.http.HttpRequest.newBuilder(URI.create(lab.engineApiUrl() + "/api/sagas/" + saga + "/approve"))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(10))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(
                approved.statusCode() / 100 == 2,
                "approve " + saga + ": HTTP " + approved.statusCode() + " " + approved.body());
        log.info("approved {} through the engine's API", saga);
    }

    private DashboardFile dashboard(String file) {
        return dashboards.stream()
                .filter(d -> d.name().equals(file))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + file));
    }

    private static String hostAndPort(String url) {
        URI uri = URI.create(url);
        return uri.getHost() + ":" + uri.getPort();
    }

    private static long seconds(long since) {
        return (System.nanoTime() - since) / 1_000_000_000;
    }
}
