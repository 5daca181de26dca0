package io.vigil.service.topology;

import java.util.Map;
import java.util.Objects;

/**
 * A topology as read from its file, with the line each value was written on, so that a config
 * that disagrees with it can point at both files ("agent.yaml:31: resources.r0.home is node-b
 * but /etc/vigil/topology.yaml:12 says node-a").
 *
 * @param source how problems name the file (its path as given)
 * @param lines  key path ("clusters.pair-1.resources.r0.home") to the line its value is on
 */
public record TopologyFile(String source, Topology topology, Map<String, Integer> lines) {
    public TopologyFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(topology, "topology");
        lines = Map.copyOf(lines);
    }

    /** "topology.yaml:12" for a key path the file has, "topology.yaml" for one it has not. */
    public String where(String keyPath) {
        Integer line = lines.get(keyPath);
        return line == null || line == 0 ? source : source + ":" + line;
    }

    /** The key path of a cluster's value ("clusters.pair-1"), or of a key inside it ("clusters.pair-1.nodes"). */
    public static String clusterPath(String cluster, String... keys) {
        StringBuilder path = new StringBuilder("clusters.").append(cluster);
        for (String key : keys) {
            path.append('.').append(key);
        }
        return path.toString();
    }
}
