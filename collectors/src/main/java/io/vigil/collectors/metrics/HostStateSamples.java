package io.vigil.collectors.metrics;

import static io.vigil.collectors.metrics.HostMetric.counter;
import static io.vigil.collectors.metrics.HostMetric.gauge;

import io.micrometer.core.instrument.Tags;
import io.vigil.events.ActionResult;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdRole;
import io.vigil.events.Heartbeat;
import io.vigil.events.Liveness;
import io.vigil.events.LvmReport;
import io.vigil.events.ReplicationState;
import io.vigil.events.SmartctlFlag;
import io.vigil.events.Subject;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import io.vigil.events.WireEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one event body into the samples that describe the host's state.
 *
 * <p>States (DRBD role, disk, connection and replication states, VM state, liveness, smartctl's
 * exit-status flags) are state sets, as drbd-reactor's prometheus plugin ({@code enums = true})
 * and node_exporter's {@code node_systemd_unit_state} expose them: one series per value of the
 * vocabulary, 1 for the current one and 0 for the others, with the value as a label. A query reads
 * as the operator thinks ({@code vigil_drbd_device_disk_state{state="UpToDate"} == 0}), no table of
 * numeric codes is needed, and a new state in DRBD's vocabulary does not shift existing codes.
 *
 * <p>DRBD's byte counters (read/written, sent/received) are cumulative since the device or
 * connection came up and restart from zero on a reconnect; they are exposed as counters
 * ({@code _total}) so that rate() sees a drop as a counter reset, as drbd-reactor does for its
 * read/written bytes. SMART counts (reallocated sectors, media errors) are gauges: the drive
 * reports them, an alert asks "is it above zero or growing", and a replaced drive starts lower.
 */
final class HostStateSamples {
    record Sample(HostMetric metric, Tags tags, double value) {}

    // DRBD resource (labels: resource)
    static final HostMetric DRBD_ROLE = gauge(
            "vigil.drbd.resource.role",
            null,
            "DRBD role of the resource on this node (state set: 1 for the current role)");
    static final HostMetric DRBD_SUSPENDED =
            gauge("vigil.drbd.resource.suspended", null, "1 when DRBD has suspended I/O on the resource");
    static final HostMetric DRBD_MAY_PROMOTE =
            gauge("vigil.drbd.resource.may.promote", null, "1 when DRBD says the resource may be promoted here");
    static final HostMetric DRBD_PROMOTION_SCORE =
            gauge("vigil.drbd.resource.promotion.score", null, "DRBD's promotion score (higher is better)");
    static final HostMetric DRBD_SPLIT_BRAIN =
            gauge("vigil.drbd.resource.split.brain", null, "1 after DRBD reported a split brain on the resource");
    // local volumes (labels: resource, volume)
    static final HostMetric DRBD_DISK_STATE =
            gauge("vigil.drbd.device.disk.state", null, "State of the local backing disk (state set)");
    static final HostMetric DRBD_QUORUM = gauge("vigil.drbd.device.quorum", null, "1 when the volume has DRBD quorum");
    static final HostMetric DRBD_CLIENT =
            gauge("vigil.drbd.device.client", null, "1 when the volume is intentionally diskless");
    static final HostMetric DRBD_SIZE = gauge("vigil.drbd.device.size", "bytes", "Size of the DRBD device");
    static final HostMetric DRBD_READ =
            counter("vigil.drbd.device.read", "bytes", "Bytes read from the local disk since the device came up");
    static final HostMetric DRBD_WRITTEN =
            counter("vigil.drbd.device.written", "bytes", "Bytes written to the local disk since the device came up");
    static final HostMetric DRBD_UPPER_PENDING =
            gauge("vigil.drbd.device.upper.pending", null, "Requests given to DRBD and not yet answered");
    static final HostMetric DRBD_LOWER_PENDING =
            gauge("vigil.drbd.device.lower.pending", null, "Requests DRBD gave to the local disk and not yet answered");
    // connections (labels: resource, peer)
    static final HostMetric DRBD_CONNECTION_STATE =
            gauge("vigil.drbd.connection.state", null, "State of the connection to the peer (state set)");
    static final HostMetric DRBD_PEER_ROLE =
            gauge("vigil.drbd.connection.peer.role", null, "The peer's role as this node sees it (state set)");
    static final HostMetric DRBD_CONGESTED = gauge(
            "vigil.drbd.connection.congested", null, "1 when the replication link's send buffer is over 80% full");
    static final HostMetric DRBD_AP_IN_FLIGHT = gauge(
            "vigil.drbd.connection.ap.in.flight",
            "bytes",
            "Application writes sent to the peer and not yet acknowledged");
    static final HostMetric DRBD_RS_IN_FLIGHT =
            gauge("vigil.drbd.connection.rs.in.flight", "bytes", "Resync data in flight to the peer");
    static final HostMetric DRBD_ROUND_TRIP = gauge(
            "vigil.drbd.connection.round.trip",
            "seconds",
            "Round-trip time on the replication link, measured by the agent");
    static final HostMetric DRBD_OLDEST_REQUEST = gauge(
            "vigil.drbd.connection.oldest.request",
            "seconds",
            "Age of the oldest request in flight to the peer (DRBD debugfs)");
    // peer devices (labels: resource, peer, volume)
    static final HostMetric DRBD_REPLICATION = gauge(
            "vigil.drbd.peer.device.replication.state",
            null,
            "Replication state of the volume towards the peer (state set)");
    static final HostMetric DRBD_PEER_DISK =
            gauge("vigil.drbd.peer.device.peer.disk.state", null, "The peer's disk state for the volume (state set)");
    static final HostMetric DRBD_OUT_OF_SYNC =
            gauge("vigil.drbd.peer.device.out.of.sync", "bytes", "Bytes out of sync with the peer, by DRBD's bitmap");
    static final HostMetric DRBD_PENDING =
            gauge("vigil.drbd.peer.device.pending", null, "Requests sent to the peer and not yet answered");
    static final HostMetric DRBD_UNACKED =
            gauge("vigil.drbd.peer.device.unacked", null, "Requests received from the peer and not yet acknowledged");
    static final HostMetric DRBD_SENT =
            counter("vigil.drbd.peer.device.sent", "bytes", "Bytes sent to the peer since the connection came up");
    static final HostMetric DRBD_RECEIVED = counter(
            "vigil.drbd.peer.device.received", "bytes", "Bytes received from the peer since the connection came up");
    static final HostMetric DRBD_DONE =
            gauge("vigil.drbd.peer.device.sync.done", "ratio", "Progress of the running resync or verify, 0 to 1");
    static final HostMetric DRBD_ETA =
            gauge("vigil.drbd.peer.device.sync.eta", "seconds", "Estimated time to the end of the running resync");
    static final HostMetric DRBD_RATE =
            gauge("vigil.drbd.peer.device.sync.rate", "bytes_per_second", "Rate of the running resync");
    // disks (labels: device, type)
    static final HostMetric DISK_INFO =
            gauge("vigil.disk.info", null, "A drive smartctl reads, with its model, serial and protocol; always 1");
    static final HostMetric DISK_PASSED =
            gauge("vigil.disk.smart.passed", null, "1 when the drive's overall SMART health assessment passed");
    static final HostMetric DISK_FLAG = gauge(
            "vigil.disk.smartctl.flag", null, "smartctl's exit-status bits, decoded (state set; several may be 1)");
    static final HostMetric DISK_REALLOCATED =
            gauge("vigil.disk.reallocated.sectors", null, "Reallocated sectors (ATA attribute 5)");
    static final HostMetric DISK_PENDING =
            gauge("vigil.disk.pending.sectors", null, "Sectors pending reallocation (ATA attribute 197)");
    static final HostMetric DISK_UNCORRECTABLE = gauge(
            "vigil.disk.offline.uncorrectable.sectors", null, "Offline uncorrectable sectors (ATA attribute 198)");
    static final HostMetric DISK_CRITICAL_WARNING =
            gauge("vigil.disk.nvme.critical.warning", null, "NVMe critical warning bits (0 is good)");
    static final HostMetric DISK_MEDIA_ERRORS =
            gauge("vigil.disk.media.errors", null, "Media and data integrity errors the drive reports (NVMe)");
    static final HostMetric DISK_USED = gauge(
            "vigil.disk.endurance.used",
            "ratio",
            "Share of the drive's rated endurance used (NVMe percentage used / 100; may exceed 1)");
    static final HostMetric DISK_TEMPERATURE = gauge("vigil.disk.temperature", "celsius", "Drive temperature");
    static final HostMetric DISK_POWER_ON =
            gauge("vigil.disk.power.on", "seconds", "Drive power-on time (from power-on hours)");
    // LVM (labels: vg; vg, lv)
    static final HostMetric VG_SIZE = gauge("vigil.lvm.vg.size", "bytes", "Volume group size");
    static final HostMetric VG_FREE = gauge("vigil.lvm.vg.free", "bytes", "Volume group free space");
    static final HostMetric LV_INFO =
            gauge("vigil.lvm.lv.info", null, "A logical volume with its pool and the DRBD resource it backs; always 1");
    static final HostMetric LV_SIZE = gauge("vigil.lvm.lv.size", "bytes", "Logical volume size");
    static final HostMetric LV_DATA =
            gauge("vigil.lvm.lv.data.used", "ratio", "Thin pool or thin volume data usage, 0 to 1");
    static final HostMetric LV_METADATA =
            gauge("vigil.lvm.lv.metadata.used", "ratio", "Thin pool metadata usage, 0 to 1");
    static final HostMetric LV_SNAPSHOT = gauge("vigil.lvm.lv.snapshot.used", "ratio", "Snapshot usage, 0 to 1");
    // VMs (labels: vm)
    static final HostMetric VM_INFO = gauge(
            "vigil.vm.info", null, "A VM with its hypervisor, uuid and the DRBD resource its disks live on; always 1");
    static final HostMetric VM_UP = gauge("vigil.vm.up", null, "1 when the VM runs (running or idle)");
    static final HostMetric VM_STATE =
            gauge("vigil.vm.state", null, "The VM's state as the hypervisor reports it (state set)");
    static final HostMetric VM_LIVENESS =
            gauge("vigil.vm.liveness", null, "Whether the guest answered its agent ping (state set)");
    static final HostMetric VM_MEMORY = gauge("vigil.vm.memory", "bytes", "Memory the VM has now");
    static final HostMetric VM_MAX_MEMORY = gauge("vigil.vm.max.memory", "bytes", "Most memory the VM may have");
    static final HostMetric VM_VCPUS = gauge("vigil.vm.vcpus", null, "Virtual CPUs of the VM");
    static final HostMetric VM_EXPECTED_HERE = gauge(
            "vigil.vm.expected.here",
            null,
            "1 when the agent's config expects the VM on this host (its resource's home), 0 when elsewhere");
    // host (from the heartbeat)
    static final HostMetric HOST_MEMORY_TOTAL =
            gauge("vigil.host.memory.total", "bytes", "The host's memory (MemTotal)");
    static final HostMetric HOST_MEMORY_AVAILABLE =
            gauge("vigil.host.memory.available", "bytes", "Memory available without swapping (MemAvailable)");

    private HostStateSamples() {}

    /** The samples of one body; {@code base} carries cluster and node. Action results describe no state. */
    static List<Sample> of(Body body, Tags base) {
        List<Sample> out = new ArrayList<>();
        Tags tags = subjectTags(body, base);
        if (body instanceof DrbdResource r) {
            drbd(r, tags, out);
        } else if (body instanceof DiskHealth d) {
            disk(d, tags, out);
        } else if (body instanceof LvmReport l) {
            lvm(l, tags, out);
        } else if (body instanceof VmStatus v) {
            vm(v, tags, out);
        } else if (body instanceof Heartbeat h) {
            out.add(new Sample(HOST_MEMORY_TOTAL, tags, h.memoryTotalBytes()));
            out.add(new Sample(HOST_MEMORY_AVAILABLE, tags, h.memoryAvailableBytes()));
        } else if (!(body instanceof ActionResult)) {
            throw new IllegalStateException("no metrics for " + body.kind());
        }
        return out;
    }

    /**
     * The tags naming the body's subject, from its labels: a drive's smartctl type is the tag
     * {@code type}, and a label the subject lacks is there empty, because a meter's tag keys
     * must be the same on every series of its name.
     */
    static Tags subjectTags(Body body, Tags base) {
        Tags tags = base;
        Map<String, String> labels = body.subject().labels();
        for (String label : body.kind().subjectLabels()) {
            tags = tags.and(label.equals(Subject.DEVICE_TYPE) ? "type" : label, labels.getOrDefault(label, ""));
        }
        return tags;
    }

    private static void drbd(DrbdResource r, Tags tags, List<Sample> out) {
        stateSet(out, DRBD_ROLE, tags, "role", DrbdRole.class, r.role());
        out.add(new Sample(DRBD_SUSPENDED, tags, bit(r.suspended())));
        r.mayPromote().ifPresent(may -> out.add(new Sample(DRBD_MAY_PROMOTE, tags, bit(may))));
        r.promotionScore().ifPresent(score -> out.add(new Sample(DRBD_PROMOTION_SCORE, tags, score)));
        out.add(new Sample(DRBD_SPLIT_BRAIN, tags, bit(r.splitBrain())));
        for (DrbdDevice d : r.devices()) {
            Tags device = tags.and("volume", Integer.toString(d.volume()));
            stateSet(out, DRBD_DISK_STATE, device, "state", DiskState.class, d.disk());
            d.quorum().ifPresent(q -> out.add(new Sample(DRBD_QUORUM, device, bit(q))));
            out.add(new Sample(DRBD_CLIENT, device, bit(d.client())));
            d.statistics().ifPresent(s -> {
                // a figure the source did not report is an absent series, never a 0 that looks healthy
                s.sizeBytes().ifPresent(v -> out.add(new Sample(DRBD_SIZE, device, v)));
                out.add(new Sample(DRBD_READ, device, s.readBytes()));
                out.add(new Sample(DRBD_WRITTEN, device, s.writtenBytes()));
                s.upperPending().ifPresent(v -> out.add(new Sample(DRBD_UPPER_PENDING, device, v)));
                s.lowerPending().ifPresent(v -> out.add(new Sample(DRBD_LOWER_PENDING, device, v)));
            });
        }
        for (DrbdConnection c : r.connections()) {
            Tags peer = tags.and("peer", c.peer());
            stateSet(out, DRBD_CONNECTION_STATE, peer, "state", ConnectionState.class, c.connection());
            stateSet(out, DRBD_PEER_ROLE, peer, "role", DrbdRole.class, c.peerRole());
            out.add(new Sample(DRBD_CONGESTED, peer, bit(c.congested())));
            c.apInFlightBytes().ifPresent(v -> out.add(new Sample(DRBD_AP_IN_FLIGHT, peer, v)));
            c.rsInFlightBytes().ifPresent(v -> out.add(new Sample(DRBD_RS_IN_FLIGHT, peer, v)));
            c.latency().roundTripSeconds().ifPresent(s -> out.add(new Sample(DRBD_ROUND_TRIP, peer, s)));
            c.latency().oldestRequestSeconds().ifPresent(s -> out.add(new Sample(DRBD_OLDEST_REQUEST, peer, s)));
            for (DrbdPeerDevice p : c.peerDevices()) {
                Tags volume = peer.and("volume", Integer.toString(p.volume()));
                stateSet(out, DRBD_REPLICATION, volume, "state", ReplicationState.class, p.replication());
                stateSet(out, DRBD_PEER_DISK, volume, "state", DiskState.class, p.peerDisk());
                p.outOfSyncBytes().ifPresent(v -> out.add(new Sample(DRBD_OUT_OF_SYNC, volume, v)));
                p.pending().ifPresent(v -> out.add(new Sample(DRBD_PENDING, volume, v)));
                p.unacked().ifPresent(v -> out.add(new Sample(DRBD_UNACKED, volume, v)));
                p.sentBytes().ifPresent(v -> out.add(new Sample(DRBD_SENT, volume, v)));
                p.receivedBytes().ifPresent(v -> out.add(new Sample(DRBD_RECEIVED, volume, v)));
                p.donePercent().ifPresent(done -> out.add(new Sample(DRBD_DONE, volume, done / 100)));
                p.etaSeconds().ifPresent(eta -> out.add(new Sample(DRBD_ETA, volume, eta)));
                p.resyncRateBytesPerSecond().ifPresent(rate -> out.add(new Sample(DRBD_RATE, volume, rate)));
            }
        }
    }

    private static void disk(DiskHealth d, Tags tags, List<Sample> out) {
        out.add(new Sample(
                DISK_INFO,
                tags.and(
                        "model",
                        d.model().orElse(""),
                        "serial",
                        d.serial().orElse(""),
                        "protocol",
                        d.protocol().wire()),
                1));
        d.smartPassed().ifPresent(p -> out.add(new Sample(DISK_PASSED, tags, bit(p))));
        for (SmartctlFlag flag : SmartctlFlag.values()) {
            out.add(new Sample(
                    DISK_FLAG, tags.and("flag", flag.wire()), bit(d.flags().contains(flag))));
        }
        optional(out, DISK_REALLOCATED, tags, d.reallocatedSectors());
        optional(out, DISK_PENDING, tags, d.pendingSectors());
        optional(out, DISK_UNCORRECTABLE, tags, d.offlineUncorrectableSectors());
        optional(out, DISK_CRITICAL_WARNING, tags, d.nvmeCriticalWarning());
        optional(out, DISK_MEDIA_ERRORS, tags, d.mediaErrors());
        d.percentageUsed().ifPresent(p -> out.add(new Sample(DISK_USED, tags, p / 100.0)));
        optional(out, DISK_TEMPERATURE, tags, d.temperatureCelsius());
        d.powerOnHours().ifPresent(h -> out.add(new Sample(DISK_POWER_ON, tags, h * 3600.0)));
    }

    private static void lvm(LvmReport report, Tags base, List<Sample> out) {
        for (LvmReport.VolumeGroup vg : report.volumeGroups()) {
            Tags tags = base.and("vg", vg.name());
            out.add(new Sample(VG_SIZE, tags, vg.sizeBytes()));
            out.add(new Sample(VG_FREE, tags, vg.freeBytes()));
        }
        for (LvmReport.LogicalVolume lv : report.logicalVolumes()) {
            Tags tags = base.and("vg", lv.vg(), "lv", lv.name());
            out.add(new Sample(
                    LV_INFO,
                    tags.and(
                            "resource",
                            lv.drbdResource().orElse(""),
                            "pool",
                            lv.pool().orElse("")),
                    1));
            out.add(new Sample(LV_SIZE, tags, lv.sizeBytes()));
            lv.dataPercent().ifPresent(p -> out.add(new Sample(LV_DATA, tags, p / 100)));
            lv.metadataPercent().ifPresent(p -> out.add(new Sample(LV_METADATA, tags, p / 100)));
            lv.snapshotPercent().ifPresent(p -> out.add(new Sample(LV_SNAPSHOT, tags, p / 100)));
        }
    }

    private static void vm(VmStatus v, Tags tags, List<Sample> out) {
        out.add(new Sample(
                VM_INFO,
                tags.and(
                        "hypervisor",
                        v.hypervisor().wire(),
                        "uuid",
                        v.uuid().orElse(""),
                        "resource",
                        v.drbdResource().orElse("")),
                1));
        out.add(new Sample(VM_UP, tags, bit(v.state() == VmState.RUNNING || v.state() == VmState.IDLE)));
        stateSet(out, VM_STATE, tags, "state", VmState.class, v.state());
        stateSet(out, VM_LIVENESS, tags, "state", Liveness.class, v.liveness());
        // unknown is not zero: a figure the hypervisor did not report has no series
        optional(out, VM_MEMORY, tags, v.memoryBytes());
        optional(out, VM_MAX_MEMORY, tags, v.maxMemoryBytes());
        optional(out, VM_VCPUS, tags, v.vcpus());
        // where it belongs, as VmNotRunning asks it; no series where nobody said (a VM the config does not name)
        v.expectedHere().ifPresent(here -> out.add(new Sample(VM_EXPECTED_HERE, tags, bit(here))));
    }

    private static <E extends Enum<E> & WireEnum> void stateSet(
            List<Sample> out, HostMetric metric, Tags tags, String label, Class<E> type, E current) {
        for (E value : type.getEnumConstants()) {
            out.add(new Sample(metric, tags.and(label, value.wire()), bit(value == current)));
        }
    }

    private static void optional(List<Sample> out, HostMetric metric, Tags tags, Optional<? extends Number> value) {
        value.ifPresent(n -> out.add(new Sample(metric, tags, n.doubleValue())));
    }

    private static double bit(boolean b) {
        return b ? 1 : 0;
    }
}
