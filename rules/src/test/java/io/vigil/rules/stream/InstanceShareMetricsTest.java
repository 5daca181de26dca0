package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Envelope;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine instances share the telemetry partitions: each exports the cluster view of the
 * partitions it holds, so that summed over the instances every node and every alert is counted
 * once, as docs/metrics.md says of the metrics marked "sum".
 */
@SuppressWarnings(
        "deprecation") // the simpleclient Prometheus registry (text format 0.0.4), as the agent and engine use it
class InstanceShareMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Enough pairs that both instances hold some (they hash to the 6 partitions). */
    private static final List<String> CLUSTERS =
            IntStream.rangeClosed(1, 8).mapToObj(i -> "pair-" + i).toList();

    private static final String DISK_LOST =
            "vigil_engine_alerts{alertname=\"DrbdLocalDiskLost\",cluster=\"pair-1\",severity=\"critical\",state=\"firing\",}";

    @Test
    void eachInstanceExportsTheNodesAndAlertsOfItsOwnPartitionsAndTogetherTheyCountEachOnce(@TempDir Path dir)
            throws Exception {
        Map<String, Roster.ClusterSpec> clusters = new LinkedHashMap<>();
        CLUSTERS.forEach(c -> clusters.put(c, new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of())));
        Roster roster = new Roster(clusters);
        PrometheusMeterRegistry registryA = EngineHarness.registry();
        PrometheusMeterRegistry registryB = EngineHarness.registry();
        AtomicLong seq = new AtomicLong();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers());
                Engine a = Engine.start(
                        EngineHarness.config(
                                kafka.bootstrapServers(),
                                dir.resolve("state-a"),
                                "share",
                                roster,
                                ScaleOutTest.TIMING,
                                Optional.empty(),
                                new ListenAddress("127.0.0.1", 0)),
                        EngineHarness.pack(),
                        registryA);
                Engine b = Engine.start(
                        EngineHarness.config(
                                kafka.bootstrapServers(),
                                dir.resolve("state-b"),
                                "share",
                                roster,
                                ScaleOutTest.TIMING,
                                Optional.empty(),
                                new ListenAddress("127.0.0.1", 0)),
                        EngineHarness.pack(),
                        registryB)) {
            await().atMost(WAIT)
                    .until(() -> a.state().toString().equals("RUNNING")
                            && b.state().toString().equals("RUNNING")
                            && !a.activeTelemetryPartitions().isEmpty()
                            && !b.activeTelemetryPartitions().isEmpty());
            for (String cluster : CLUSTERS) {
                for (String node : List.of("node-a", "node-b")) {
                    EngineHarness.send(
                            producer,
                            Envelope.of(cluster, node, seq.incrementAndGet(), Instant.now(), Bodies.heartbeat()));
                }
            }
            EngineHarness.send(
                    producer,
                    Envelope.of("pair-1", "node-a", seq.incrementAndGet(), Instant.now(), Bodies.diskLost("r0")));
            producer.flush();

            Set<String> everyNode = CLUSTERS.stream()
                    .flatMap(c -> Set.of(c + "/node-a", c + "/node-b").stream())
                    .collect(Collectors.toCollection(TreeSet::new));
            await().atMost(WAIT).untilAsserted(() -> {
                Set<String> onA = nodesHeard(registryA.scrape());
                Set<String> onB = nodesHeard(registryB.scrape());
                assertEquals(everyNode, union(onA, onB), "every node of the config is on one of the instances");
                assertEquals(Set.of(), intersection(onA, onB), "and on one only");
                assertEquals(clustersHeld(a), clustersOf(onA), "instance a exports the clusters of its own partitions");
                assertEquals(clustersHeld(b), clustersOf(onB), "instance b exports the clusters of its own partitions");
                double lostOnA = ClusterViewMetricsTest.value(registryA.scrape(), DISK_LOST)
                        .orElse(Double.NaN);
                double lostOnB = ClusterViewMetricsTest.value(registryB.scrape(), DISK_LOST)
                        .orElse(Double.NaN);
                assertEquals(1, lostOnA + lostOnB, "pair-1's lost disk is counted once over the instances");
                assertEquals(
                        1, clustersHeld(a).contains("pair-1") ? lostOnA : lostOnB, "on the instance that holds pair-1");
            });
            assertEquals(
                    6,
                    a.activeTelemetryPartitions().size()
                            + b.activeTelemetryPartitions().size(),
                    "every partition on one instance");
        }
    }

    private static Set<String> nodesHeard(String scrape) {
        String prefix = "vigil_engine_node_last_heard_timestamp_seconds{cluster=\"";
        return scrape.lines()
                .filter(l -> l.startsWith(prefix))
                .map(l -> {
                    String cluster = l.substring(prefix.length(), l.indexOf('"', prefix.length()));
                    int node = l.indexOf("node=\"") + 6;
                    return cluster + "/" + l.substring(node, l.indexOf('"', node));
                })
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> clustersHeld(Engine engine) {
        List<Integer> partitions = engine.activeTelemetryPartitions();
        return CLUSTERS.stream()
                .filter(c -> partitions.contains(ClusterPartition.of(c, 6)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> clustersOf(Set<String> nodes) {
        return nodes.stream().map(n -> n.substring(0, n.indexOf('/'))).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> union(Set<String> x, Set<String> y) {
        Set<String> out = new TreeSet<>(x);
        out.addAll(y);
        return out;
    }

    private static Set<String> intersection(Set<String> x, Set<String> y) {
        Set<String> out = new HashSet<>(x);
        out.retainAll(y);
        return out;
    }
}
