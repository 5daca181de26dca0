package io.vigil.lab.view;

import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import io.vigil.events.DrbdResource;
import io.vigil.events.Envelope;
import io.vigil.events.EventKind;
import io.vigil.events.Heartbeat;
import io.vigil.events.LvmReport;
import io.vigil.events.VmStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster as read back from Kafka: for each host (a node of a cluster), the last fact of each
 * kind about each thing (resource, disk, VG, VM) and how many events of each kind arrived. This
 * is what the lab shows, so it is built only from the telemetry topic, never from the simulator's
 * own state.
 * <p>
 * Order: a cluster's records share one partition and each agent sends in seq order, so the order
 * records are read in is the order a node sent them, and the last one read is its newest. Seq
 * serves only to drop repeats ({@link RecentSeqs}); the seq shown is the newest record's. A seq
 * lower than the one before (and not a repeat) is taken as it comes and counted: the node's seqs
 * were reset, or the one before was wrong.
 */
public final class ClusterPicture {
    /** A host: its cluster and node names. Node names repeat across clusters. */
    public record HostKey(String cluster, String node) implements Comparable<HostKey> {
        private static final Comparator<HostKey> ORDER =
                Comparator.comparing(HostKey::cluster).thenComparing(HostKey::node);

        @Override
        public int compareTo(HostKey other) {
            return ORDER.compare(this, other);
        }
    }

    private final Map<HostKey, HostPicture> hosts = new TreeMap<>();
    private final Map<HostKey, RecentSeqs> seqs = new HashMap<>();
    private long events;

    /** What is known of one host. Maps are sorted by name so the screen and summary are stable. */
    public record HostPicture(
            String cluster,
            String node,
            Map<EventKind, Long> eventsByKind,
            Map<String, DrbdResource> resources,
            Map<String, DiskHealth> disks,
            Optional<LvmReport> lvm,
            Map<String, VmStatus> vms,
            Optional<Heartbeat> heartbeat,
            Instant lastSeen,
            long lastSeq,
            long seqWentBack) {}

    public synchronized void accept(Envelope envelope) {
        events++;
        HostKey key = new HostKey(envelope.cluster(), envelope.node());
        if (!seqs.computeIfAbsent(key, k -> new RecentSeqs()).firstTime(envelope.seq())) {
            return; // a repeat of a record already shown
        }
        HostPicture before = hosts.get(key);
        Map<EventKind, Long> counts =
                before == null ? new EnumMap<>(EventKind.class) : new EnumMap<>(before.eventsByKind());
        counts.merge(envelope.kind(), 1L, Long::sum);
        Map<String, DrbdResource> resources = before == null ? new TreeMap<>() : new TreeMap<>(before.resources());
        Map<String, DiskHealth> disks = before == null ? new TreeMap<>() : new TreeMap<>(before.disks());
        Map<String, VmStatus> vms = before == null ? new TreeMap<>() : new TreeMap<>(before.vms());
        Optional<LvmReport> lvm = before == null ? Optional.empty() : before.lvm();
        Optional<Heartbeat> heartbeat = before == null ? Optional.empty() : before.heartbeat();
        Body body = envelope.body();
        if (body instanceof DrbdResource r) {
            resources.put(r.subject().id(), r);
        } else if (body instanceof DiskHealth d) {
            disks.put(d.subject().id(), d);
        } else if (body instanceof LvmReport l) {
            lvm = Optional.of(l);
        } else if (body instanceof VmStatus v) {
            vms.put(v.subject().id(), v);
        } else if (body instanceof Heartbeat h) {
            heartbeat = Optional.of(h);
        }
        // action results belong to the failover view of a later issue
        long wentBack = before == null ? 0 : before.seqWentBack() + (envelope.seq() < before.lastSeq() ? 1 : 0);
        hosts.put(
                key,
                new HostPicture(
                        envelope.cluster(),
                        envelope.node(),
                        counts,
                        resources,
                        disks,
                        lvm,
                        vms,
                        heartbeat,
                        envelope.ts(),
                        envelope.seq(),
                        wentBack));
    }

    /** Every host, by cluster then node. */
    public synchronized List<HostPicture> hosts() {
        return List.copyOf(hosts.values());
    }

    public synchronized Optional<HostPicture> host(String cluster, String node) {
        return Optional.ofNullable(hosts.get(new HostKey(cluster, node)));
    }

    /** Every record read back, repeats included. */
    public synchronized long events() {
        return events;
    }
}
