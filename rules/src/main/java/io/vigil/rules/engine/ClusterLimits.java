package io.vigil.rules.engine;

import io.vigil.events.AlertState;
import io.vigil.rules.alert.Candidate;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.rule.Severity;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@link EngineLimits} at work: how many alerts each cluster has pending or firing, and how
 * many nodes the config does not list have spoken in it; whether one more may come in; and the
 * alerts Vigil raises about a cluster that reached a limit. Like the cache of presence, it is
 * kept beside the tables: counted when an instance takes over and at every tick, and told of every
 * change in between.
 */
final class ClusterLimits {
    static final String ALERT_LIMIT = "VigilAlertLimitReached";
    static final String UNKNOWN_NODE_LIMIT = "VigilUnknownNodeLimitReached";
    static final Map<String, Severity> ALERTS =
            Map.of(ALERT_LIMIT, Severity.CRITICAL, UNKNOWN_NODE_LIMIT, Severity.WARNING);

    /** One of Vigil's alerts about a cluster, as it stands now: its series, and whether the cluster is at the limit. */
    record Reached(Candidate candidate, boolean holds) {}

    private final EngineLimits limits;
    private final Instant since;
    /** Pending or firing alerts of rules, by fingerprint: the cluster each belongs to. */
    private final Map<String, String> active = new HashMap<>();

    private final Map<String, Integer> activeByCluster = new HashMap<>();
    private final Map<String, Integer> unknownNodes = new HashMap<>();
    private final Map<String, Long> refused = new HashMap<>();
    private final Map<String, Long> dropped = new HashMap<>();
    /** Clusters with one of Vigil's limit alerts in the tables: watched until it is gone. */
    private final Set<String> announced = new HashSet<>();

    ClusterLimits(EngineLimits limits, Instant since) {
        this.limits = limits;
        this.since = since;
    }

    /** An alert of a rule changed (every change into or out of pending or firing is published). */
    void update(String cluster, TrackedAlert alert) {
        boolean isActive = alert.state() == AlertState.PENDING || alert.state() == AlertState.FIRING;
        String before = isActive ? active.put(alert.fingerprint(), cluster) : active.remove(alert.fingerprint());
        if (isActive && before == null) {
            activeByCluster.merge(cluster, 1, Integer::sum);
        } else if (!isActive && before != null) {
            activeByCluster.merge(before, -1, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    /** Counts again from what the tables hold: the alerts of rules by scope key, and whose limit alerts are there. */
    void recount(Map<String, List<TrackedAlert>> ruleAlerts, Collection<String> clustersAnnounced) {
        active.clear();
        activeByCluster.clear();
        ruleAlerts.forEach((key, alerts) -> alerts.forEach(a -> update(ScopeKey.cluster(key), a)));
        announced.clear();
        announced.addAll(clustersAnnounced);
    }

    /** Whether one more alert may be created in {@code cluster}, {@code adding} more being created with it. */
    boolean admitsAlert(String cluster, int adding) {
        return activeByCluster.getOrDefault(cluster, 0) + adding < limits.alertsPerCluster();
    }

    void refused(String cluster) {
        refused.merge(cluster, 1L, Long::sum);
    }

    /** Counts again the nodes of each cluster that the config does not expect. */
    void recountNodes(Map<String, NodePresence> presence) {
        unknownNodes.clear();
        presence.forEach((key, p) -> {
            if (!p.expected()) {
                unknownNodes.merge(ScopeKey.cluster(key), 1, Integer::sum);
            }
        });
    }

    /** Whether a node the config does not list, heard for the first time, may be heard in {@code cluster}. */
    boolean admitsUnknownNode(String cluster) {
        return unknownNodes.getOrDefault(cluster, 0) < limits.unknownNodesPerCluster();
    }

    void unknownNodeHeard(String cluster) {
        unknownNodes.merge(cluster, 1, Integer::sum);
    }

    void unknownNodeForgotten(String cluster) {
        unknownNodes.merge(cluster, -1, (a, b) -> a + b <= 0 ? null : a + b);
    }

    void dropped(String cluster) {
        dropped.merge(cluster, 1L, Long::sum);
    }

    void announced(String cluster) {
        announced.add(cluster);
    }

    /** The clusters whose limit alerts must be looked at: at a limit now, or with such an alert still held. */
    Set<String> watched() {
        Set<String> clusters = new TreeSet<>(announced);
        activeByCluster.forEach((cluster, n) -> {
            if (n >= limits.alertsPerCluster()) {
                clusters.add(cluster);
            }
        });
        unknownNodes.forEach((cluster, n) -> {
            if (n >= limits.unknownNodesPerCluster()) {
                clusters.add(cluster);
            }
        });
        return clusters;
    }

    /**
     * Vigil's alerts about {@code cluster}'s limits, each holding while the cluster is at the
     * limit; they carry the cluster's labels as its other alerts do, and link their runbooks as
     * the default rules do.
     */
    List<Reached> reached(String cluster, Map<String, String> clusterLabels) {
        int alerts = activeByCluster.getOrDefault(cluster, 0);
        int nodes = unknownNodes.getOrDefault(cluster, 0);
        return List.of(
                reached(
                        cluster,
                        clusterLabels,
                        ALERT_LIMIT,
                        Severity.CRITICAL,
                        alerts >= limits.alertsPerCluster(),
                        cluster + " has " + alerts
                                + " alerts pending or firing, its limit: new alerts of the cluster are not"
                                + " created, so a new fault there may go unseen",
                        refused.getOrDefault(cluster, 0L) + " alerts refused since " + since
                                + " (vigil_engine_alerts_refused_total"
                                + " counts them all). Look for the source of the flood in /api/alerts; if the cluster really has this"
                                + " much wrong, raise limits.alerts_per_cluster in engine.yaml. The silence of a node the config lists"
                                + " is still told."),
                reached(
                        cluster,
                        clusterLabels,
                        UNKNOWN_NODE_LIMIT,
                        Severity.WARNING,
                        nodes >= limits.unknownNodesPerCluster(),
                        cluster + " has " + nodes
                                + " nodes the config does not list, its limit: the events of any further one are"
                                + " dropped unread",
                        dropped.getOrDefault(cluster, 0L) + " events dropped since " + since
                                + " (vigil_engine_unknown_node_events"
                                + "_dropped_total counts them all). List the cluster's nodes under clusters: in engine.yaml (a node"
                                + " listed there is always heard), or stop whatever sends under this cluster's name;"
                                + " limits.unknown_nodes_per_cluster sets the limit. A node the config does not list is forgotten"
                                + " after forget_after of silence."));
    }

    private static Reached reached(
            String cluster,
            Map<String, String> clusterLabels,
            String alertname,
            Severity severity,
            boolean holds,
            String summary,
            String description) {
        Map<String, String> labels = new TreeMap<>(clusterLabels);
        labels.put("alertname", alertname);
        labels.put("cluster", cluster);
        labels.put("severity", severity.wire());
        labels.values().removeIf(String::isEmpty);
        Map<String, String> annotations = Map.of(
                "summary",
                summary,
                "description",
                description,
                "runbook_url",
                clusterLabels.getOrDefault("runbook_base", "deploy/runbooks.md") + "#"
                        + alertname.toLowerCase(Locale.ROOT));
        return new Reached(new Candidate(alertname, labels, holds ? annotations : Map.of(), false), holds);
    }
}
