package io.vigil.rules.failover;

import io.vigil.events.ActionResult;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.DrbdResource;
import io.vigil.events.Envelope;
import io.vigil.events.Heartbeat;
import io.vigil.events.ReplicationState;
import io.vigil.events.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the failover knows of one cluster: per node when it was last heard and its latest reports
 * of each DRBD resource and each VM, and the alerts firing. Only facts that came off the wire are
 * here; nothing is inferred. An older report (a lower seq from the same node) never replaces a
 * newer one.
 */
public record ClusterFacts(String cluster, Map<String, NodeFacts> nodes, Map<String, FiringAlert> firing) {
    public ClusterFacts {
        nodes = Map.copyOf(nodes);
        firing = Map.copyOf(firing);
    }

    public static ClusterFacts empty(String cluster) {
        return new ClusterFacts(cluster, Map.of(), Map.of());
    }

    /** One node's latest facts. */
    /**
     * @param lastTs            the agent's own time of its latest record
     * @param peersAtLastHeard  each other node's {@code lastTs} when this node was last heard: silence is then measured on
     *                          the peer's own clock ({@link #silentByPeer}), never across a gap in the engine's reading (an
     *                          outage's backlog arrives late by the engine's clock but in order). Empty in facts stored
     *                          before it was kept.
     */
    public record NodeFacts(
            Instant lastHeard,
            long lastSeq,
            Map<String, NodeReport> drbd,
            Map<String, VmReport> vms,
            long memoryTotalBytes,
            long memoryAvailableBytes,
            Instant lastTs,
            Map<String, Instant> peersAtLastHeard) {
        public NodeFacts {
            drbd = Map.copyOf(drbd);
            vms = Map.copyOf(vms);
            lastTs = Objects.requireNonNullElse(lastTs, lastHeard);
            peersAtLastHeard = peersAtLastHeard == null ? Map.of() : Map.copyOf(peersAtLastHeard);
        }
    }

    /**
     * How long {@code peer} has gone on reporting, by its own clock, since {@code node} was last
     * heard; empty when that is not known (facts stored before it was kept, or a peer never heard).
     */
    public Optional<Duration> silentByPeer(String node, String peer) {
        NodeFacts silent = nodes.get(node);
        NodeFacts talking = nodes.get(peer);
        if (silent == null || talking == null || !silent.peersAtLastHeard().containsKey(peer)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(silent.peersAtLastHeard().get(peer), talking.lastTs()));
    }

    /** The agent's DRBD probe, as its heartbeat names it (events2 or /proc/drbd alike). */
    private static final String DRBD_PROBE = "drbd";

    /** An alert firing now, with the node and resource it is about where it says. */
    public record FiringAlert(String name, Optional<String> node, Optional<String> resource, Instant since) {}

    /**
     * The facts after {@code envelope}, received by the engine at {@code receivedAt}: a node is
     * heard by the engine's clock, not its own (a host's clock may be wrong). Results of actions
     * are the saga's, not facts.
     */
    public ClusterFacts with(Envelope envelope, Instant receivedAt) {
        if (envelope.body() instanceof ActionResult) {
            return this;
        }
        NodeFacts old = nodes.get(envelope.node());
        if (old != null && envelope.seq() <= old.lastSeq()) {
            return this;
        }
        Map<String, NodeReport> drbd = old == null ? new TreeMap<>() : new TreeMap<>(old.drbd());
        Map<String, VmReport> vms = old == null ? new TreeMap<>() : new TreeMap<>(old.vms());
        long total = old == null ? 0 : old.memoryTotalBytes();
        long available = old == null ? 0 : old.memoryAvailableBytes();
        if (envelope.body() instanceof DrbdResource r) {
            drbd.put(r.resource(), new NodeReport(envelope.node(), envelope.seq(), envelope.ts(), r));
        } else if (envelope.body() instanceof VmStatus vm) {
            vms.put(vm.name(), new VmReport(envelope.node(), envelope.seq(), envelope.ts(), vm, receivedAt));
        } else if (envelope.body() instanceof Heartbeat h) {
            total = h.memoryTotalBytes();
            available = h.memoryAvailableBytes();
            if (h.probes().stream().anyMatch(p -> p.probe().equals(DRBD_PROBE) && p.healthy())) {
                drbd.replaceAll((resource, report) -> report.confirmed(envelope.ts()));
            }
        }
        Map<String, Instant> peersNow = new HashMap<>();
        nodes.forEach((name, facts) -> {
            if (!name.equals(envelope.node())) {
                peersNow.put(name, facts.lastTs());
            }
        });
        Map<String, NodeFacts> next = new HashMap<>(nodes);
        next.put(
                envelope.node(),
                new NodeFacts(receivedAt, envelope.seq(), drbd, vms, total, available, envelope.ts(), peersNow));
        return new ClusterFacts(cluster, next, firing);
    }

    /** The facts after an alert changed: firing ones are kept, the rest dropped. */
    public ClusterFacts with(Alert alert) {
        Map<String, FiringAlert> next = new HashMap<>(firing);
        if (alert.state() == AlertState.FIRING) {
            next.put(
                    alert.fingerprint(),
                    new FiringAlert(
                            alert.rule(),
                            alert.label("node"),
                            alert.label("resource"),
                            alert.firedAt().orElse(alert.activeAt())));
        } else {
            next.remove(alert.fingerprint());
        }
        return new ClusterFacts(cluster, nodes, next);
    }

    public Optional<NodeReport> drbd(String node, String resource) {
        return Optional.ofNullable(nodes.get(node)).map(n -> n.drbd().get(resource));
    }

    public Optional<VmReport> vm(String node, String vm) {
        return Optional.ofNullable(nodes.get(node)).map(n -> n.vms().get(vm));
    }

    public Optional<Instant> lastHeard(String node) {
        return Optional.ofNullable(nodes.get(node)).map(NodeFacts::lastHeard);
    }

    private static final Set<ReplicationState> RESYNCING = Set.of(
            ReplicationState.STARTING_SYNC_S,
            ReplicationState.STARTING_SYNC_T,
            ReplicationState.WF_BITMAP_S,
            ReplicationState.WF_BITMAP_T,
            ReplicationState.WF_SYNC_UUID,
            ReplicationState.SYNC_SOURCE,
            ReplicationState.SYNC_TARGET);

    /**
     * Whether DRBD resyncs {@code resource} now, by either node's report no older than
     * {@code maxAge}: a peer device starting a resync or in one (SyncSource, SyncTarget), and not
     * suspended. A paused resync (PausedSyncS/T) waits for something else and does not count.
     */
    public boolean resyncRuns(String resource, Instant now, Duration maxAge) {
        return nodes.keySet().stream()
                .flatMap(node -> drbd(node, resource).stream())
                .filter(r -> r.freshAt(now, maxAge))
                .flatMap(r -> r.drbd().connections().stream())
                .flatMap(c -> c.peerDevices().stream())
                .anyMatch(d -> RESYNCING.contains(d.replication()) && !d.resyncSuspended());
    }

    /** The node a VM runs on, by the freshest report that says it runs; empty when none does. */
    public Optional<String> whereRunning(String vm) {
        return nodes.values().stream()
                .map(n -> n.vms().get(vm))
                .filter(r -> r != null && r.running())
                .max(Comparator.comparing(VmReport::at))
                .map(VmReport::node);
    }
}
