package io.vigil.rules.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.rules.engine.NodeHeard;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vigil_engine_node_last_heard_timestamp_seconds{cluster,node}}: when the engine last heard
 * each node of its config, so that one scrape of the engine answers "which hosts are up" for every
 * pair, also when a host's own agent (and its /metrics) is down. Each task reports the nodes of its
 * partition as it lets time pass; an instance exports the nodes of the partitions it holds, and a
 * node is on exactly one instance. A node never heard has no series: unknown is not the epoch.
 */
final class NodesHeardMetrics {
    private final MeterRegistry registry;
    /** Per telemetry partition, per "cluster/node": the last-heard time read by its gauge, in epoch seconds. */
    private final Map<Integer, Map<String, Heard>> byPartition = new HashMap<>();

    private static final class Heard {
        final Gauge gauge;
        volatile double seconds;

        Heard(MeterRegistry registry, NodeHeard node) {
            // a strong reference: the gauge reads this holder for as long as it is registered
            gauge = Gauge.builder("vigil_engine_node_last_heard_timestamp_seconds", this, h -> h.seconds)
                    .strongReference(true)
                    .description(
                            "when the engine last heard anything from the node (Unix time, by the engine's clock, to the second); "
                                    + "on the instance that holds the node's cluster")
                    .tag("cluster", node.cluster())
                    .tag("node", node.node())
                    .register(registry);
        }
    }

    NodesHeardMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The nodes of one partition as its task sees them now; those it no longer lists lose their series. */
    synchronized void heard(int partition, List<NodeHeard> nodes) {
        Map<String, Heard> before = byPartition.getOrDefault(partition, Map.of());
        Map<String, Heard> now = new HashMap<>();
        for (NodeHeard node : nodes) {
            String key = node.cluster() + "/" + node.node();
            Heard heard = before.containsKey(key) ? before.get(key) : new Heard(registry, node);
            heard.seconds = node.at().toEpochMilli() / 1000.0;
            now.put(key, heard);
        }
        before.forEach((key, heard) -> {
            if (!now.containsKey(key)) {
                registry.remove(heard.gauge);
            }
        });
        byPartition.put(partition, now);
    }

    /** The task of a partition closed (it moved to another instance, or the engine stops): its nodes go with it. */
    synchronized void released(int partition) {
        Map<String, Heard> gone = byPartition.remove(partition);
        if (gone != null) {
            gone.values().forEach(h -> registry.remove(h.gauge));
        }
    }
}
