package io.vigil.sim;

import static io.vigil.sim.Events2Object.yesNo;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code drbdsetup events2} shows on one host: its resources, devices, its connection to the
 * peer, the peer devices and paths, derived from both hosts' state so the two views stay coupled
 * (node-a's peer role is node-b's role while they are connected, and so on). Objects come in the
 * order drbdsetup dumps them: per resource, the resource, its devices, connections, peer devices, paths.
 */
final class Events2View {
    private Events2View() {}

    /** Identity ("peer-device name:r0 peer-node-id:1 ...") to object, in dump order. */
    static Map<String, Events2Object> of(
            SimulatedHost me, SimulatedHost peer, Map<String, ReplicationLink> links, long resyncRateKiBPerSecond) {
        Map<String, Events2Object> view = new LinkedHashMap<>();
        for (SimResource r : me.resources.values()) {
            SimResource theirs = peer.resources.get(r.name);
            ReplicationLink link = links.get(r.name);
            boolean connected = r.connection == ConnectionState.CONNECTED && theirs != null;
            boolean syncing = connected && link.syncing();
            boolean peerPrimary = connected && theirs.role == DrbdRole.PRIMARY;
            boolean upToDate = r.disk == DiskState.UP_TO_DATE;
            boolean mayPromote = r.role == DrbdRole.SECONDARY && upToDate && !peerPrimary;
            int promotionScore = upToDate ? 10101 + (connected ? 1 : 0) : 0;

            add(
                    view,
                    Events2Object.of("resource")
                            .key("name", r.name)
                            .stateIfChanged("role", r.role.wire())
                            .stateIfChanged("suspended", "no")
                            .stateIfChanged("force-io-failures", "no")
                            .statistic("write-ordering", r.hasDisk() ? "flush" : "none")
                            .state("may_promote", yesNo(mayPromote))
                            .state("promotion_score", promotionScore)
                            .build());
            add(
                    view,
                    Events2Object.of("device")
                            .key("name", r.name)
                            .key("volume", 0)
                            .key("minor", r.minor)
                            .state("backing_dev", r.disk != DiskState.DISKLESS ? r.backingDevice() : "none")
                            .state("disk", r.disk.wire())
                            .state("client", "no")
                            .state("open", yesNo(me.resourceOpen(r.name)))
                            .state("quorum", "yes")
                            .statistic("size", r.sizeKiB)
                            .statistic("read", r.readKiB)
                            .statistic("written", r.writtenKiB)
                            .statistic("al-writes", r.writtenKiB / 4096)
                            .statistic("bm-writes", r.writtenKiB / 65536)
                            .statistic("upper-pending", 0)
                            .statistic("lower-pending", 0)
                            .statistic("al-suspended", "no")
                            .statistic("blocked", "no")
                            .build());
            add(
                    view,
                    Events2Object.of("connection")
                            .key("name", r.name)
                            .key("peer-node-id", peer.nodeId)
                            .key("conn-name", peer.name())
                            .state("connection", r.connection.wire())
                            .state("role", connected ? theirs.role.wire() : DrbdRole.UNKNOWN.wire())
                            .statistic("congested", "no")
                            .statistic("ap-in-flight", 0)
                            .statistic("rs-in-flight", syncing ? 4096 : 0)
                            .build());
            ReplicationState replication = !connected
                    ? ReplicationState.OFF
                    : !syncing
                            ? ReplicationState.ESTABLISHED
                            : link.syncSource.get().equals(me.name())
                                    ? ReplicationState.SYNC_SOURCE
                                    : ReplicationState.SYNC_TARGET;
            DiskState peerDisk = connected ? theirs.disk : DiskState.DUNKNOWN;
            boolean established = connected && !syncing;
            Events2Object.Builder peerDevice = Events2Object.of("peer-device")
                    .key("name", r.name)
                    .key("peer-node-id", peer.nodeId)
                    .key("conn-name", peer.name())
                    .key("volume", 0)
                    .state("replication", replication.wire())
                    .state("peer-disk", peerDisk.wire())
                    .state("peer-client", "no")
                    .stateIfChanged("resync-suspended", "no");
            if (syncing) {
                peerDevice.progress("done", String.format(Locale.ROOT, "%.2f", link.donePercent()));
            }
            // DRBD counts out-of-sync in the bitmap of the node that wrote: while apart, a node
            // that wrote nothing has nothing out of sync towards its peer
            long outOfSyncKiB =
                    established || (!connected && !link.wroteWhileApart.contains(me.name())) ? 0 : link.outOfSyncKiB;
            peerDevice.statistic("received", r.receivedKiB).statistic("sent", r.sentKiB);
            if (outOfSyncKiB != 0) {
                // drbdsetup without --verbose prints out-of-sync: only when it is not 0
                peerDevice.statistic("out-of-sync", outOfSyncKiB);
            }
            peerDevice.statistic("pending", 0).statistic("unacked", 0);
            if (syncing) {
                peerDevice
                        .statistic("dbdt1", String.format(Locale.ROOT, "%.2f", resyncRateKiBPerSecond / 1024.0))
                        .statistic("eta", link.outOfSyncKiB / Math.max(1, resyncRateKiBPerSecond));
            }
            add(view, peerDevice.statisticsOnChange(syncing).build());
            add(
                    view,
                    Events2Object.of("path")
                            .key("name", r.name)
                            .key("peer-node-id", peer.nodeId)
                            .key("conn-name", peer.name())
                            .key("local", "ipv4:" + me.replicationAddress() + ":" + r.port)
                            .key("peer", "ipv4:" + peer.replicationAddress() + ":" + r.port)
                            .state("established", yesNo(connected))
                            .build());
        }
        return view;
    }

    private static void add(Map<String, Events2Object> view, Events2Object object) {
        view.put(object.identity(), object);
    }
}
