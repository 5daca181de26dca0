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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster as read back from Kafka: for each host, the last fact of each kind about each
 * thing (resource, disk, VG, VM) and how many events of each kind arrived. This is what the lab
 * shows, so it is built only from the telemetry topic, never from the simulator's own state.
 */
public final class ClusterPicture {
    private final Map<String, HostPicture> hosts = new TreeMap<>();
    private long events;

    /** What is known of one host. Maps are sorted by name so the screen and summary are stable. */
    public record HostPicture(String cluster, String node, Map<EventKind, Long> eventsByKind,
                              Map<String, DrbdResource> resources, Map<String, DiskHealth> disks,
                              Optional<LvmReport> lvm, Map<String, VmStatus> vms,
                              Optional<Heartbeat> heartbeat, Instant lastSeen, long lastSeq) {
    }

    public synchronized void accept(Envelope envelope) {
        events++;
        HostPicture before = hosts.get(envelope.node());
        Map<EventKind, Long> counts = before == null ? new EnumMap<>(EventKind.class) : new EnumMap<>(before.eventsByKind());
        counts.merge(envelope.kind(), 1L, Long::sum);
        Map<String, DrbdResource> resources = before == null ? new TreeMap<>() : new TreeMap<>(before.resources());
        Map<String, DiskHealth> disks = before == null ? new TreeMap<>() : new TreeMap<>(before.disks());
        Map<String, VmStatus> vms = before == null ? new TreeMap<>() : new TreeMap<>(before.vms());
        Optional<LvmReport> lvm = before == null ? Optional.empty() : before.lvm();
        Optional<Heartbeat> heartbeat = before == null ? Optional.empty() : before.heartbeat();
        Body body = envelope.body();
        if (body instanceof DrbdResource r) {
            resources.put(r.resource(), r);
        } else if (body instanceof DiskHealth d) {
            disks.put(d.device() + d.deviceType().map(t -> " " + t).orElse(""), d);
        } else if (body instanceof LvmReport l) {
            lvm = Optional.of(l);
        } else if (body instanceof VmStatus v) {
            vms.put(v.name(), v);
        } else if (body instanceof Heartbeat h) {
            heartbeat = Optional.of(h);
        }
        // action results belong to the failover view of a later issue
        long lastSeq = before == null ? envelope.seq() : Math.max(before.lastSeq(), envelope.seq());
        hosts.put(envelope.node(), new HostPicture(envelope.cluster(), envelope.node(), counts, resources, disks,
                lvm, vms, heartbeat, envelope.ts(), lastSeq));
    }

    public synchronized List<HostPicture> hosts() {
        return List.copyOf(hosts.values());
    }

    public synchronized Optional<HostPicture> host(String node) {
        return Optional.ofNullable(hosts.get(node));
    }

    public synchronized long events() {
        return events;
    }
}
