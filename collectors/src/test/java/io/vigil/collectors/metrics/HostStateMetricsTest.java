package io.vigil.collectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.ManualClock;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.Body;
import io.vigil.events.EventKind;
import io.vigil.events.ReplicationState;
import io.vigil.events.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostStateMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Body> published = new ArrayList<>();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T21:00:00Z"));
    private final HostStateMetrics metrics = new HostStateMetrics(
            registry,
            "pair-1",
            "node-a",
            published::add,
            Map.of(EventKind.VM, Duration.ofSeconds(30), EventKind.DRBD, Duration.ofSeconds(30)),
            clock);

    private Double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name)
                .tags("cluster", "pair-1", "node", "node-a")
                .tags(tags)
                .gauge();
        return gauge == null ? null : gauge.value();
    }

    private Double counter(String name, String... tags) {
        FunctionCounter counter = registry.find(name).tags(tags).functionCounter();
        return counter == null ? null : counter.count();
    }

    @Test
    void passesEveryEventOnUnchanged() {
        ActionResult result = new ActionResult("a-1", ActionOutcome.values()[0], Optional.of(0), "", 0.5);
        metrics.emit(HostStates.sda());
        metrics.emit(result);
        assertEquals(List.of(HostStates.sda(), result), published);
    }

    @Test
    void exposesDrbdStatesAsStateSetsAndItsFigures() {
        metrics.emit(HostStates.r0Resyncing());
        assertEquals(1.0, gauge("vigil.drbd.resource.role", "resource", "r0", "role", "Primary"));
        assertEquals(0.0, gauge("vigil.drbd.resource.role", "resource", "r0", "role", "Secondary"));
        assertEquals(10101.0, gauge("vigil.drbd.resource.promotion.score", "resource", "r0"));
        assertEquals(1.0, gauge("vigil.drbd.device.disk.state", "resource", "r0", "volume", "0", "state", "UpToDate"));
        assertEquals(0.0, gauge("vigil.drbd.device.disk.state", "resource", "r0", "volume", "0", "state", "Failed"));
        assertEquals(1.0, gauge("vigil.drbd.device.quorum", "resource", "r0", "volume", "0"));
        assertEquals(1.0, gauge("vigil.drbd.connection.state", "peer", "node-b", "state", "Connected"));
        assertEquals(1.0, gauge("vigil.drbd.connection.peer.role", "peer", "node-b", "role", "Secondary"));
        assertEquals(0.000042, gauge("vigil.drbd.connection.round.trip", "peer", "node-b"));
        assertEquals(
                1.0,
                gauge(
                        "vigil.drbd.peer.device.replication.state",
                        "peer",
                        "node-b",
                        "volume",
                        "0",
                        "state",
                        "SyncSource"));
        assertEquals(4_194_304.0, gauge("vigil.drbd.peer.device.out.of.sync", "peer", "node-b", "volume", "0"));
        assertEquals(0.375, gauge("vigil.drbd.peer.device.sync.done", "peer", "node-b", "volume", "0"));
        assertEquals(3.0, gauge("vigil.drbd.peer.device.pending", "peer", "node-b", "volume", "0"));
        assertEquals(1_048_576.0, counter("vigil.drbd.peer.device.sent", "peer", "node-b", "volume", "0"));
        assertEquals(3_000_000.0, counter("vigil.drbd.device.written", "resource", "r0", "volume", "0"));
    }

    @Test
    void updatesValuesInPlaceAndDropsSeriesThatANewEventNoLongerCarries() {
        metrics.emit(HostStates.r0Resyncing());
        metrics.emit(
                HostStates.r0(List.of(HostStates.peerDevice(0, ReplicationState.ESTABLISHED, 0, Optional.empty()))));
        assertEquals(
                0.0,
                gauge(
                        "vigil.drbd.peer.device.replication.state",
                        "peer",
                        "node-b",
                        "volume",
                        "0",
                        "state",
                        "SyncSource"));
        assertEquals(
                1.0,
                gauge(
                        "vigil.drbd.peer.device.replication.state",
                        "peer",
                        "node-b",
                        "volume",
                        "0",
                        "state",
                        "Established"));
        assertEquals(0.0, gauge("vigil.drbd.peer.device.out.of.sync", "peer", "node-b", "volume", "0"));
        assertNull(
                gauge("vigil.drbd.peer.device.sync.done", "peer", "node-b", "volume", "0"),
                "no resync, no progress series");
        metrics.emit(HostStates.r0(List.of()));
        assertNull(
                gauge("vigil.drbd.peer.device.out.of.sync", "peer", "node-b", "volume", "0"),
                "a volume gone from the peer loses its series");
        assertEquals(1.0, gauge("vigil.drbd.connection.state", "peer", "node-b", "state", "Connected"));
    }

    @Test
    void leavesOutTheSeriesOfACounterTheSourceDidNotReport() {
        metrics.emit(HostStates.r0Resyncing());
        io.vigil.events.DrbdResource.DrbdPeerDevice p =
                HostStates.peerDevice(0, ReplicationState.ESTABLISHED, 0, Optional.empty());
        io.vigil.events.DrbdResource.DrbdPeerDevice unknown = new io.vigil.events.DrbdResource.DrbdPeerDevice(
                p.volume(),
                p.replication(),
                p.peerDisk(),
                false,
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());

        metrics.emit(HostStates.r0(List.of(unknown)));

        assertEquals(
                1.0,
                gauge(
                        "vigil.drbd.peer.device.replication.state",
                        "peer",
                        "node-b",
                        "volume",
                        "0",
                        "state",
                        "Established"));
        assertNull(
                gauge("vigil.drbd.peer.device.out.of.sync", "peer", "node-b", "volume", "0"),
                "unknown, not 0 B out of sync");
        assertNull(gauge("vigil.drbd.peer.device.pending", "peer", "node-b", "volume", "0"));
        assertNull(gauge("vigil.drbd.peer.device.unacked", "peer", "node-b", "volume", "0"));
        assertNull(counter("vigil.drbd.peer.device.sent", "peer", "node-b", "volume", "0"));
    }

    @Test
    void exposesDiskHealthPerDriveEvenBehindOneController() {
        metrics.emit(HostStates.sda());
        metrics.emit(HostStates.megaraid(0));
        metrics.emit(HostStates.megaraid(1));
        assertEquals(1.0, gauge("vigil.disk.smart.passed", "device", "/dev/sda", "type", ""));
        assertEquals(8.0, gauge("vigil.disk.reallocated.sectors", "device", "/dev/sda"));
        assertEquals(34.0, gauge("vigil.disk.temperature", "device", "/dev/sda"));
        assertEquals(26_000 * 3600.0, gauge("vigil.disk.power.on", "device", "/dev/sda"));
        assertEquals(1.0, gauge("vigil.disk.smartctl.flag", "device", "/dev/sda", "flag", "error-log-has-errors"));
        assertEquals(0.0, gauge("vigil.disk.smartctl.flag", "device", "/dev/sda", "flag", "disk-failing"));
        assertEquals(0.07, gauge("vigil.disk.endurance.used", "device", "/dev/bus/0", "type", "megaraid,1"));
        assertEquals(2.0, gauge("vigil.disk.media.errors", "device", "/dev/bus/0", "type", "megaraid,0"));
        assertEquals(
                1.0,
                gauge(
                        "vigil.disk.info",
                        "device",
                        "/dev/bus/0",
                        "type",
                        "megaraid,1",
                        "serial",
                        "S1",
                        "protocol",
                        "NVMe"));
        assertNull(
                gauge("vigil.disk.reallocated.sectors", "device", "/dev/bus/0"), "NVMe reports no reallocated sectors");
    }

    @Test
    void exposesLvmAndRemovesAnLvThatIsGone() {
        metrics.emit(HostStates.lvm(true));
        assertEquals(21_474_836_480.0, gauge("vigil.lvm.vg.free", "vg", "vg0"));
        assertEquals(0.615, gauge("vigil.lvm.lv.data.used", "vg", "vg0", "lv", "pool"));
        assertEquals(0.1225, gauge("vigil.lvm.lv.metadata.used", "vg", "vg0", "lv", "pool"));
        assertEquals(0.03, gauge("vigil.lvm.lv.snapshot.used", "vg", "vg0", "lv", "r0-snap"));
        assertEquals(1.0, gauge("vigil.lvm.lv.info", "vg", "vg0", "lv", "r0-disk", "resource", "r0"));
        metrics.emit(HostStates.lvm(false));
        assertNull(gauge("vigil.lvm.lv.size", "lv", "r0-snap"));
        assertEquals(1_073_741_824.0 * 10, gauge("vigil.lvm.lv.size", "lv", "r0-disk"));
    }

    @Test
    void exposesVmsAndHostMemory() {
        metrics.emit(HostStates.vm("web", VmState.RUNNING));
        metrics.emit(HostStates.vm("mail", VmState.SHUT_OFF));
        metrics.emit(HostStates.heartbeat());
        assertEquals(1.0, gauge("vigil.vm.up", "vm", "web"));
        assertEquals(0.0, gauge("vigil.vm.up", "vm", "mail"));
        assertEquals(1.0, gauge("vigil.vm.state", "vm", "mail", "state", "shut-off"));
        assertEquals(1.0, gauge("vigil.vm.liveness", "vm", "web", "state", "alive"));
        assertEquals(2_147_483_648.0, gauge("vigil.vm.memory", "vm", "web"));
        assertEquals(2.0, gauge("vigil.vm.vcpus", "vm", "web"));
        assertEquals(1.0, gauge("vigil.vm.info", "vm", "web", "resource", "r0", "hypervisor", "libvirt"));
        assertEquals(16_777_216_000.0, gauge("vigil.host.memory.total"));
        assertEquals(8_388_608_000.0, gauge("vigil.host.memory.available"));
    }

    @Test
    void saysWhetherTheConfigExpectsAVmHereAndNothingWhereNobodySaid() {
        io.vigil.events.VmStatus web = HostStates.vm("web", VmState.RUNNING);
        metrics.emit(web);
        assertEquals(1.0, gauge("vigil.vm.expected.here", "vm", "web"));

        // resting on the peer of its home: 0, which the Prometheus VmNotRunning leaves alone
        metrics.emit(withExpectedHere(web, Optional.of(false)));
        assertEquals(0.0, gauge("vigil.vm.expected.here", "vm", "web"));

        // a VM the agent's config does not name: where it belongs is unknown, not "elsewhere"
        metrics.emit(withExpectedHere(web, Optional.empty()));
        assertNull(gauge("vigil.vm.expected.here", "vm", "web"), "unknown, not 0");
        assertEquals(1.0, gauge("vigil.vm.up", "vm", "web"));
    }

    private static io.vigil.events.VmStatus withExpectedHere(io.vigil.events.VmStatus vm, Optional<Boolean> here) {
        return new io.vigil.events.VmStatus(
                vm.name(),
                vm.uuid(),
                vm.hypervisor(),
                vm.state(),
                vm.memoryBytes(),
                vm.maxMemoryBytes(),
                vm.vcpus(),
                vm.drbdResource(),
                vm.liveness(),
                here);
    }

    @Test
    void leavesOutTheMemoryAndVcpusOfAVmWhoseSourceDidNotReportThem() {
        io.vigil.events.VmStatus known = HostStates.vm("web", VmState.RUNNING);
        metrics.emit(known);
        assertEquals(2_147_483_648.0, gauge("vigil.vm.memory", "vm", "web"));

        // the next poll's dominfo failed: the figures are unknown, and no longer exported at all, not as 0
        metrics.emit(new io.vigil.events.VmStatus(
                known.name(),
                known.uuid(),
                known.hypervisor(),
                known.state(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                known.drbdResource(),
                known.liveness(),
                known.expectedHere()));

        assertEquals(1.0, gauge("vigil.vm.up", "vm", "web"));
        assertNull(gauge("vigil.vm.memory", "vm", "web"), "unknown, not 0 B");
        assertNull(gauge("vigil.vm.max.memory", "vm", "web"));
        assertNull(gauge("vigil.vm.vcpus", "vm", "web"));
    }

    @Test
    void removesTheSeriesOfAVmOrResourceNoLongerReported() {
        metrics.emit(HostStates.vm("web", VmState.RUNNING));
        metrics.emit(HostStates.vm("old", VmState.RUNNING));
        metrics.emit(HostStates.r1Secondary());
        clock.advance(Duration.ofSeconds(20));
        metrics.emit(HostStates.vm("web", VmState.RUNNING));
        metrics.emit(HostStates.heartbeat());
        clock.advance(Duration.ofSeconds(20));
        metrics.emit(HostStates.heartbeat());
        assertNull(gauge("vigil.vm.up", "vm", "old"), "a VM unreported for longer than its stale time is gone");
        assertNull(gauge("vigil.vm.state", "vm", "old", "state", "running"));
        assertNull(gauge("vigil.drbd.resource.role", "resource", "r1", "role", "Secondary"));
        assertEquals(1.0, gauge("vigil.vm.up", "vm", "web"));
        assertEquals(16_777_216_000.0, gauge("vigil.host.memory.total"), "kinds without a stale time never expire");
        metrics.emit(HostStates.vm("old", VmState.RUNNING));
        assertEquals(1.0, gauge("vigil.vm.up", "vm", "old"), "a VM that comes back gets its series back");
    }

    @Test
    void clearRemovesEverySeriesItMade() {
        metrics.emit(HostStates.r0Resyncing());
        metrics.emit(HostStates.lvm(true));
        assertTrue(registry.getMeters().size() > 50);
        metrics.clear();
        assertEquals(List.of(), registry.getMeters());
    }
}
