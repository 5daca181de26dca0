package io.vigil.rules.engine;

import java.util.List;
import java.util.Map;

/**
 * The clusters the engine config names: the nodes each is expected to have (a node that never
 * reports is silent too), and labels that every alert of the cluster carries and rules read as
 * {@code labels}. Clusters it does not name are watched all the same, from what they send.
 */
public record Roster(Map<String, ClusterSpec> clusters) {
    public record ClusterSpec(List<String> nodes, Map<String, String> labels) {
        public ClusterSpec {
            nodes = List.copyOf(nodes);
            labels = Map.copyOf(labels);
        }
    }

    public Roster {
        clusters = Map.copyOf(clusters);
    }

    public static Roster empty() {
        return new Roster(Map.of());
    }

    public Map<String, String> labels(String cluster) {
        ClusterSpec spec = clusters.get(cluster);
        return spec == null ? Map.of() : spec.labels();
    }

    public boolean expects(String cluster, String node) {
        ClusterSpec spec = clusters.get(cluster);
        return spec != null && spec.nodes().contains(node);
    }
}
