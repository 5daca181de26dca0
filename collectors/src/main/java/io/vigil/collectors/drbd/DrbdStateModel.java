package io.vigil.collectors.drbd;

import io.vigil.collectors.drbd.DrbdUpdate.ConnectionUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.DeviceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.HelperUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.InitialStateDone;
import io.vigil.collectors.drbd.DrbdUpdate.PathUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.PeerDeviceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.RenameUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.ResourceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.SyncVerdict;
import io.vigil.collectors.drbd.DrbdUpdate.Verb;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DeviceStatistics;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPath;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What this node knows about its DRBD resources, built from {@link DrbdUpdate}s: the initial
 * {@code exists} dump, then {@code change} lines that carry only what changed. Each call returns
 * the {@link DrbdResource} snapshots worth publishing because of it: every resource when the dump
 * completes ({@code exists -}), afterwards only a resource whose snapshot actually changed. A
 * destroyed resource yields no more snapshots.
 *
 * <p><b>Split-brain</b> is a fact of its own, kept per connection: it is set by the
 * {@code split-brain} helper call (or by a {@code sync-state:SplitBrain} connection line of newer
 * drbdsetup), kept through the StandAlone state that follows and through a restart of events2
 * (the kernel does not repeat it in a new dump), and cleared only when that connection is
 * Connected again with every volume's replication Established, that is once the data of both
 * sides has converged after a human resolved it. During the resync that follows a resolution the
 * flag is still set. Destroying the connection (del-peer) or the resource also clears it.
 *
 * <p>Resync figures (done %, eta, rate) are present only while a peer device is in a sync or
 * verify state; they are dropped when it leaves one, or when a statistics line shows none.
 *
 * <p>Not thread-safe by itself; the probe calls it under one lock.
 */
public final class DrbdStateModel {
    private static final Set<ReplicationState> RESYNCING = EnumSet.of(
            ReplicationState.SYNC_SOURCE, ReplicationState.SYNC_TARGET,
            ReplicationState.PAUSED_SYNC_S, ReplicationState.PAUSED_SYNC_T,
            ReplicationState.VERIFY_S, ReplicationState.VERIFY_T);

    private final Map<String, Resource> resources = new TreeMap<>();
    private final Map<String, DrbdResource> lastPublished = new HashMap<>();
    /** resource -> connection names in split-brain; survives {@link #restart()}. */
    private final Map<String, Set<String>> splitBrains = new HashMap<>();

    private final Map<String, Map<String, ReplicationLatency>> latencies = new HashMap<>();
    private boolean initialStateDone;

    /** Applies one update; returns the snapshots to publish because of it. */
    public List<DrbdResource> apply(DrbdUpdate update) {
        if (update instanceof InitialStateDone) {
            if (initialStateDone) {
                return List.of();
            }
            initialStateDone = true;
            return changed(List.copyOf(resources.keySet()));
        }
        DrbdUpdate.OfResource ofResource = (DrbdUpdate.OfResource) update;
        Optional<String> touched = mutate(ofResource);
        if (!initialStateDone || touched.isEmpty()) {
            return List.of();
        }
        return changed(List.of(touched.get()));
    }

    /**
     * Merges a one-shot dump ({@code events2 --now --statistics}) into the model: its
     * {@code exists} lines refresh the counters that change lines do not stream. Returns one
     * snapshot per resource that changed.
     */
    public List<DrbdResource> merge(Collection<DrbdUpdate> dump) {
        Set<String> touched = new HashSet<>();
        for (DrbdUpdate update : dump) {
            if (update instanceof DrbdUpdate.OfResource ofResource) {
                mutate(ofResource).ifPresent(touched::add);
            }
        }
        return initialStateDone ? changed(touched.stream().sorted().toList()) : List.of();
    }

    /**
     * Forgets the objects before a restarted events2 dumps them again, so objects destroyed
     * while it was away disappear. Split-brain facts are kept: the kernel does not repeat them.
     */
    public void restart() {
        resources.clear();
        lastPublished.clear();
        initialStateDone = false;
    }

    public boolean initialStateDone() {
        return initialStateDone;
    }

    /** The current snapshot of every resource, sorted by name. */
    public List<DrbdResource> snapshots() {
        return resources.keySet().stream().map(this::snapshotOf).toList();
    }

    public Optional<DrbdResource> snapshot(String name) {
        return resources.containsKey(name) ? Optional.of(snapshotOf(name)) : Optional.empty();
    }

    /** Each connection and the peer address of its path (the established one first), for latency probes. */
    public List<PeerLink> peerLinks() {
        List<PeerLink> links = new ArrayList<>();
        resources.forEach((name, resource) -> resource.connections.forEach((peer, c) -> {
            Optional<String> address = c.paths.values().stream()
                    .sorted(Comparator.comparing((PathState p) -> !p.established))
                    .map(p -> p.remote)
                    .findFirst();
            links.add(new PeerLink(name, peer, address));
        }));
        return links;
    }

    /** A connection of a resource and the peer address its path names ("ipv4:10.0.0.2:7789"). */
    public record PeerLink(String resource, String peer, Optional<String> peerAddress) {}

    /** Records measured latencies; returns the snapshots that changed because of them. */
    public List<DrbdResource> latencies(Map<PeerLink, ReplicationLatency> measured) {
        Set<String> touched = new HashSet<>();
        measured.forEach((link, latency) -> {
            if (resources.containsKey(link.resource())) {
                latencies.computeIfAbsent(link.resource(), r -> new HashMap<>()).put(link.peer(), latency);
                touched.add(link.resource());
            }
        });
        return initialStateDone ? changed(touched.stream().sorted().toList()) : List.of();
    }

    private List<DrbdResource> changed(List<String> names) {
        List<DrbdResource> out = new ArrayList<>();
        for (String name : names) {
            if (!resources.containsKey(name)) {
                continue;
            }
            DrbdResource now = snapshotOf(name);
            if (!now.equals(lastPublished.get(name))) {
                lastPublished.put(name, now);
                out.add(now);
            }
        }
        return out;
    }

    /** Applies an update to the objects; returns the resource it touched, if it still exists. */
    private Optional<String> mutate(DrbdUpdate.OfResource update) {
        String name = update.resource();
        if (update instanceof ResourceUpdate r) {
            if (r.verb() == Verb.DESTROY) {
                forget(name);
                return Optional.empty();
            }
            Resource resource =
                    upsertable(r.verb()) ? resources.computeIfAbsent(name, n -> new Resource()) : resources.get(name);
            if (resource == null) {
                return Optional.empty();
            }
            r.role().ifPresent(v -> resource.role = v);
            r.suspended().ifPresent(v -> resource.suspended = v);
            r.mayPromote().ifPresent(v -> resource.mayPromote = Optional.of(v));
            r.promotionScore().ifPresent(v -> resource.promotionScore = Optional.of(v));
            return Optional.of(name);
        }
        if (update instanceof RenameUpdate rename) {
            Resource resource = resources.remove(name);
            if (resource == null) {
                return Optional.empty();
            }
            resources.put(rename.newName(), resource);
            lastPublished.remove(name);
            Optional.ofNullable(splitBrains.remove(name)).ifPresent(s -> splitBrains.put(rename.newName(), s));
            Optional.ofNullable(latencies.remove(name)).ifPresent(l -> latencies.put(rename.newName(), l));
            return Optional.of(rename.newName());
        }
        Resource resource = resources.get(name);
        if (resource == null) {
            // drbdsetup itself ignores updates for resources it never saw created
            return Optional.empty();
        }
        if (update instanceof DeviceUpdate d) {
            apply(resource, d);
        } else if (update instanceof ConnectionUpdate c) {
            apply(name, resource, c);
            settleSplitBrain(name, resource);
        } else if (update instanceof PeerDeviceUpdate p) {
            apply(resource, p);
            settleSplitBrain(name, resource);
        } else if (update instanceof PathUpdate p) {
            apply(resource, p);
        } else if (update instanceof HelperUpdate h) {
            apply(name, resource, h);
        }
        return Optional.of(name);
    }

    private static boolean upsertable(Verb verb) {
        return verb == Verb.EXISTS || verb == Verb.CREATE;
    }

    private void apply(Resource resource, DeviceUpdate d) {
        if (d.verb() == Verb.DESTROY) {
            resource.devices.remove(d.volume());
            return;
        }
        DeviceState device = upsertable(d.verb())
                ? resource.devices.computeIfAbsent(d.volume(), v -> new DeviceState())
                : resource.devices.get(d.volume());
        if (device == null) {
            return;
        }
        d.minor().ifPresent(v -> device.minor = v);
        d.disk().ifPresent(v -> device.disk = v);
        d.client().ifPresent(v -> device.client = v);
        d.quorum().ifPresent(v -> device.quorum = Optional.of(v));
        d.sizeBytes().ifPresent(v -> device.size = Optional.of(v));
        d.readBytes().ifPresent(v -> device.read = v);
        d.writtenBytes().ifPresent(v -> device.written = v);
        d.upperPending().ifPresent(v -> device.upperPending = Optional.of(v));
        d.lowerPending().ifPresent(v -> device.lowerPending = Optional.of(v));
        if (d.readBytes().isPresent() || d.writtenBytes().isPresent()) {
            device.hasStatistics = true;
        }
    }

    private void apply(String name, Resource resource, ConnectionUpdate c) {
        if (c.verb() == Verb.DESTROY) {
            resource.connections.remove(c.peer());
            Optional.ofNullable(splitBrains.get(name)).ifPresent(s -> s.remove(c.peer()));
            Optional.ofNullable(latencies.get(name)).ifPresent(l -> l.remove(c.peer()));
            return;
        }
        ConnectionStateHolder connection = upsertable(c.verb())
                ? resource.connections.computeIfAbsent(c.peer(), p -> new ConnectionStateHolder())
                : resource.connections.get(c.peer());
        if (connection == null) {
            return;
        }
        connection.peerNodeId = c.peerNodeId();
        c.connection().ifPresent(v -> connection.state = v);
        c.peerRole().ifPresent(v -> connection.peerRole = v);
        c.congested().ifPresent(v -> connection.congested = v);
        c.apInFlightBytes().ifPresent(v -> connection.apInFlight = Optional.of(v));
        c.rsInFlightBytes().ifPresent(v -> connection.rsInFlight = Optional.of(v));
        if (c.syncVerdict().filter(v -> v == SyncVerdict.SPLIT_BRAIN).isPresent()) {
            splitBrains.computeIfAbsent(name, r -> new HashSet<>()).add(c.peer());
        }
    }

    private void apply(Resource resource, PeerDeviceUpdate p) {
        ConnectionStateHolder connection = resource.connections.get(p.peer());
        if (connection == null) {
            return;
        }
        if (p.verb() == Verb.DESTROY) {
            connection.peerDevices.remove(p.volume());
            return;
        }
        PeerDeviceState pd = upsertable(p.verb())
                ? connection.peerDevices.computeIfAbsent(p.volume(), v -> new PeerDeviceState())
                : connection.peerDevices.get(p.volume());
        if (pd == null) {
            return;
        }
        p.replication().ifPresent(v -> pd.replication = v);
        p.peerDisk().ifPresent(v -> pd.peerDisk = v);
        p.peerClient().ifPresent(v -> pd.peerClient = v);
        p.resyncSuspended().ifPresent(v -> pd.resyncSuspended = v);
        if (p.outOfSyncBytes().isPresent()) {
            pd.outOfSync = p.outOfSyncBytes();
        } else if (p.carriesStatistics()) {
            // drbdsetup prints out-of-sync: only when it is not 0 (unless --verbose): on a
            // statistics line its absence is the 0 that ends a resync, not "no news". Without
            // --statistics no line carries it, and the figure stays unknown.
            pd.outOfSync = Optional.of(0L);
        }
        // pending:/unacked: come with --verbose only; until a line carries them they are unknown
        p.pending().ifPresent(v -> pd.pending = Optional.of(v));
        p.unacked().ifPresent(v -> pd.unacked = Optional.of(v));
        p.sentBytes().ifPresent(v -> pd.sent = Optional.of(v));
        p.receivedBytes().ifPresent(v -> pd.received = Optional.of(v));
        if (!RESYNCING.contains(pd.replication)
                || (p.carriesStatistics() && p.donePercent().isEmpty())) {
            pd.done = Optional.empty();
            pd.eta = Optional.empty();
            pd.rate = Optional.empty();
        }
        if (RESYNCING.contains(pd.replication)) {
            p.donePercent().ifPresent(v -> pd.done = Optional.of(v));
            if (p.carriesStatistics() || p.etaSeconds().isPresent()) {
                pd.eta = p.etaSeconds();
            }
            if (p.carriesStatistics() || p.resyncRateBytesPerSecond().isPresent()) {
                pd.rate = p.resyncRateBytesPerSecond();
            }
        }
    }

    private void apply(Resource resource, PathUpdate p) {
        // DRBD sends no exists lines for paths, so a change may be the first we hear of one
        ConnectionStateHolder connection = resource.connections.get(p.peer());
        if (connection == null) {
            return;
        }
        String key = p.local() + " " + p.remote();
        if (p.verb() == Verb.DESTROY) {
            connection.paths.remove(key);
            return;
        }
        PathState path = connection.paths.computeIfAbsent(key, k -> new PathState(p.local(), p.remote()));
        p.established().ifPresent(v -> path.established = v);
    }

    private void apply(String name, Resource resource, HelperUpdate h) {
        if (h.verb() != Verb.CALL || !h.helper().equals(HelperUpdate.SPLIT_BRAIN)) {
            return;
        }
        Set<String> peers = splitBrains.computeIfAbsent(name, r -> new HashSet<>());
        if (h.peer().isPresent()) {
            peers.add(h.peer().get());
        } else {
            // an old kernel that does not say which peer: every connection is suspect
            peers.addAll(resource.connections.keySet());
        }
    }

    /** Only a connection or peer-device line can heal a split-brain: the helper call itself never does. */
    private void settleSplitBrain(String name, Resource resource) {
        Set<String> peers = splitBrains.get(name);
        if (peers == null) {
            return;
        }
        peers.removeIf(peer -> {
            ConnectionStateHolder c = resource.connections.get(peer);
            return c != null
                    && c.state == ConnectionState.CONNECTED
                    && !c.peerDevices.isEmpty()
                    && c.peerDevices.values().stream().allMatch(pd -> pd.replication == ReplicationState.ESTABLISHED);
        });
        if (peers.isEmpty()) {
            splitBrains.remove(name);
        }
    }

    private void forget(String name) {
        resources.remove(name);
        lastPublished.remove(name);
        splitBrains.remove(name);
        latencies.remove(name);
    }

    private DrbdResource snapshotOf(String name) {
        Resource r = resources.get(name);
        Map<String, ReplicationLatency> measured = latencies.getOrDefault(name, Map.of());
        List<DrbdDevice> devices = r.devices.entrySet().stream()
                .map(e -> {
                    DeviceState d = e.getValue();
                    Optional<DeviceStatistics> stats = d.hasStatistics
                            ? Optional.of(
                                    new DeviceStatistics(d.size, d.read, d.written, d.upperPending, d.lowerPending))
                            : Optional.empty();
                    return new DrbdDevice(e.getKey(), d.minor, d.disk, d.client, d.quorum, stats);
                })
                .toList();
        List<DrbdConnection> connections = r.connections.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, ConnectionStateHolder> e) -> e.getValue().peerNodeId)
                        .thenComparing(Map.Entry::getKey))
                .map(e -> {
                    ConnectionStateHolder c = e.getValue();
                    List<DrbdPath> paths = c.paths.values().stream()
                            .map(p -> new DrbdPath(p.local, p.remote, p.established))
                            .toList();
                    List<DrbdPeerDevice> peerDevices = c.peerDevices.entrySet().stream()
                            .map(pe -> {
                                PeerDeviceState p = pe.getValue();
                                return new DrbdPeerDevice(
                                        pe.getKey(),
                                        p.replication,
                                        p.peerDisk,
                                        p.peerClient,
                                        p.resyncSuspended,
                                        p.outOfSync,
                                        p.pending,
                                        p.unacked,
                                        p.sent,
                                        p.received,
                                        p.done,
                                        p.eta,
                                        p.rate);
                            })
                            .toList();
                    return new DrbdConnection(
                            e.getKey(),
                            c.peerNodeId,
                            c.state,
                            c.peerRole,
                            c.congested,
                            c.apInFlight,
                            c.rsInFlight,
                            paths,
                            peerDevices,
                            measured.getOrDefault(e.getKey(), ReplicationLatency.UNMEASURED));
                })
                .toList();
        boolean splitBrain = !splitBrains.getOrDefault(name, Set.of()).isEmpty();
        return new DrbdResource(
                name, r.role, r.suspended, r.mayPromote, r.promotionScore, splitBrain, devices, connections);
    }

    private static final class Resource {
        DrbdRole role = DrbdRole.UNKNOWN;
        boolean suspended;
        Optional<Boolean> mayPromote = Optional.empty();
        Optional<Integer> promotionScore = Optional.empty();
        final Map<Integer, DeviceState> devices = new TreeMap<>();
        final Map<String, ConnectionStateHolder> connections = new TreeMap<>();
    }

    private static final class DeviceState {
        int minor = -1;
        DiskState disk = DiskState.DUNKNOWN;
        boolean client;
        Optional<Boolean> quorum = Optional.empty();
        boolean hasStatistics;
        Optional<Long> size = Optional.empty();
        long read;
        long written;
        Optional<Long> upperPending = Optional.empty();
        Optional<Long> lowerPending = Optional.empty();
    }

    private static final class ConnectionStateHolder {
        int peerNodeId;
        ConnectionState state = ConnectionState.STANDALONE;
        DrbdRole peerRole = DrbdRole.UNKNOWN;
        boolean congested;
        /** Unknown until a line with {@code --statistics} reports it. */
        Optional<Long> apInFlight = Optional.empty();

        Optional<Long> rsInFlight = Optional.empty();
        final Map<String, PathState> paths = new LinkedHashMap<>();
        final Map<Integer, PeerDeviceState> peerDevices = new TreeMap<>();
    }

    private static final class PeerDeviceState {
        ReplicationState replication = ReplicationState.OFF;
        DiskState peerDisk = DiskState.DUNKNOWN;
        boolean peerClient;
        boolean resyncSuspended;
        Optional<Long> outOfSync = Optional.empty();
        Optional<Long> pending = Optional.empty();
        Optional<Long> unacked = Optional.empty();
        Optional<Long> sent = Optional.empty();
        Optional<Long> received = Optional.empty();
        Optional<Double> done = Optional.empty();
        Optional<Double> eta = Optional.empty();
        Optional<Double> rate = Optional.empty();
    }

    private static final class PathState {
        final String local;
        final String remote;
        boolean established;

        PathState(String local, String remote) {
            this.local = local;
            this.remote = remote;
        }
    }
}
