package io.vigil.rules.engine;

/**
 * How much one cluster may hold, so that one noisy source cannot bury the rest: a cluster's
 * events are evaluated one after another, and an engine's tick goes through every alert.
 *
 * <p>{@code alertsPerCluster}: alerts pending or firing in one cluster; beyond it new alerts are
 * not created (the silence of a node the config lists is always told). The default, 5,000, leaves
 * room for a LINSTOR-sized pair (a thousand DRBD resources, each alerting on both nodes) while a
 * full cluster costs a tick about 10 ms of its 1 s (1 to 2 µs an alert on a loaded 2-core machine,
 * {@code vigil bench flood}) and its first publication a burst of 5,000 records.
 * {@code unknownNodesPerCluster}: nodes the config does not list under the cluster (every node of
 * a cluster it does not name); the events of any further one are dropped before the rules see
 * them. The default, 32, is as many nodes as DRBD 9 replicates a resource to: more is a flood or a
 * mistake, not a cluster. Reaching either fires a Vigil alert for the cluster.
 */
public record EngineLimits(int alertsPerCluster, int unknownNodesPerCluster) {
    public static final EngineLimits DEFAULTS = new EngineLimits(5_000, 32);

    public EngineLimits {
        if (alertsPerCluster < 1) {
            throw new IllegalArgumentException("alerts_per_cluster must be 1 or more, was " + alertsPerCluster);
        }
        if (unknownNodesPerCluster < 0) {
            throw new IllegalArgumentException(
                    "unknown_nodes_per_cluster must be 0 or more, was " + unknownNodesPerCluster);
        }
    }
}
