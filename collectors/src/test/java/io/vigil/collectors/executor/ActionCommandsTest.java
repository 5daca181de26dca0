package io.vigil.collectors.executor;

import static io.vigil.collectors.executor.ExecutorFixtures.CLUSTER;
import static io.vigil.collectors.executor.ExecutorFixtures.PEER;
import static io.vigil.collectors.executor.ExecutorFixtures.PEER_FENCE;
import static io.vigil.collectors.executor.ExecutorFixtures.TOPOLOGY;
import static io.vigil.collectors.executor.ExecutorFixtures.action;
import static io.vigil.collectors.executor.ExecutorFixtures.drbd;
import static io.vigil.collectors.executor.ExecutorFixtures.towardPeer;
import static io.vigil.collectors.executor.ExecutorFixtures.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.command.Command;
import io.vigil.events.ActionType;
import io.vigil.events.Hypervisor;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.NodeTopology;
import io.vigil.service.topology.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionCommandsTest {
    private final ActionCommands libvirt =
            new ActionCommands(Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), TOPOLOGY, CLUSTER);
    private final ActionCommands xen =
            new ActionCommands(Hypervisor.XEN, "qemu:///system", Path.of("/srv/xen"), TOPOLOGY, CLUSTER);

    private static List<String> argv(ActionCommands commands, io.vigil.events.Action action) throws ActionRefused {
        return commands.plan(action).command().argv();
    }

    @Test
    void drbdActionsAreDrbdadmOnTheResource() throws Exception {
        assertEquals(List.of("drbdadm", "primary", "r0"), argv(libvirt, drbd("a1", ActionType.DRBD_PRIMARY)));
        assertEquals(List.of("drbdadm", "secondary", "r0"), argv(libvirt, drbd("a2", ActionType.DRBD_SECONDARY)));
        assertEquals(
                List.of("drbdadm", "net-options", "--allow-two-primaries=yes", "r0"),
                argv(libvirt, drbd("a3", ActionType.DRBD_ALLOW_TWO_PRIMARIES)));
        assertEquals(
                List.of("drbdadm", "net-options", "--allow-two-primaries=no", "r0"),
                argv(xen, drbd("a4", ActionType.DRBD_DISALLOW_TWO_PRIMARIES)));
    }

    @Test
    void libvirtVmActionsAreVirshOnTheConfiguredUri() throws Exception {
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "setmem", "web", "2097152", "--live"),
                argv(
                        libvirt,
                        action(
                                "m",
                                ActionType.VM_SET_MEMORY,
                                Optional.empty(),
                                Optional.of("web"),
                                Optional.empty(),
                                Optional.of(2L << 30))));
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "migrate", "--live", "web", "qemu+ssh://node-a/system"),
                argv(libvirt, towardPeer("g", ActionType.VM_MIGRATE_LIVE)));
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "shutdown", "web"),
                argv(libvirt, vm("s", ActionType.VM_SHUTDOWN)));
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "destroy", "web"),
                argv(libvirt, vm("d", ActionType.VM_DESTROY)));
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "start", "web"), argv(libvirt, vm("t", ActionType.VM_START)));
        ActionPlan.ShutdownVm shutdown = (ActionPlan.ShutdownVm) libvirt.plan(vm("s", ActionType.VM_SHUTDOWN));
        assertEquals(Command.of("virsh", "-c", "qemu:///system", "domstate", "web"), shutdown.state());
        ActionPlan.MigrateVm migrate = (ActionPlan.MigrateVm) libvirt.plan(towardPeer("g", ActionType.VM_MIGRATE_LIVE));
        assertEquals(
                Optional.of(Command.of("virsh", "-c", "qemu+ssh://node-a/system", "domstate", "web")),
                migrate.destinationState());
    }

    @Test
    void xenVmActionsAreXl() throws Exception {
        assertEquals(
                List.of("xl", "mem-set", "web", "2048m"),
                argv(
                        xen,
                        action(
                                "m",
                                ActionType.VM_SET_MEMORY,
                                Optional.empty(),
                                Optional.of("web"),
                                Optional.empty(),
                                Optional.of(2L << 30))));
        assertEquals(
                List.of("xl", "migrate", "web", "node-a"),
                argv(xen, towardPeer("g", ActionType.VM_MIGRATE_LIVE)),
                "xl migrate takes the host of the destination URI");
        assertEquals(List.of("xl", "shutdown", "web"), argv(xen, vm("s", ActionType.VM_SHUTDOWN)));
        assertEquals(List.of("xl", "destroy", "web"), argv(xen, vm("d", ActionType.VM_DESTROY)));
        assertEquals(List.of("xl", "create", "/srv/xen/web.cfg"), argv(xen, vm("t", ActionType.VM_START)));
        ActionPlan.ShutdownVm shutdown = (ActionPlan.ShutdownVm) xen.plan(vm("s", ActionType.VM_SHUTDOWN));
        assertEquals(Command.of("xl", "list", "web"), shutdown.state());
        ActionPlan.StartVm start = (ActionPlan.StartVm) xen.plan(vm("t", ActionType.VM_START));
        assertEquals(Optional.of(Command.of("xl", "list", "web")), start.runningCheck());
    }

    @Test
    void aStartWithMemoryBootsAtItOnLibvirtThroughTheConfigAndOnXenThroughAnOverride() throws Exception {
        io.vigil.events.Action start = action(
                "t",
                ActionType.VM_START,
                Optional.empty(),
                Optional.of("web"),
                Optional.empty(),
                Optional.of(3L << 29));
        ActionPlan.StartVmAt libvirtStart = (ActionPlan.StartVmAt) libvirt.plan(start);
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "start", "web"),
                libvirtStart.command().argv());
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "dominfo", "web"),
                libvirtStart.dominfo().argv());
        assertEquals(1572864, libvirtStart.bootKiB());
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "setmem", "web", "1572864", "--config"),
                libvirtStart.setConfigured().apply(1572864).argv());
        assertEquals(List.of("xl", "create", "/srv/xen/web.cfg", "memory=1536"), argv(xen, start));
        ActionRefused tiny = assertThrows(
                ActionRefused.class,
                () -> xen.plan(action(
                        "t",
                        ActionType.VM_START,
                        Optional.empty(),
                        Optional.of("web"),
                        Optional.empty(),
                        Optional.of(4096L))));
        assertTrue(tiny.getMessage().contains("4096 bytes is less than one"), tiny.getMessage());
    }

    private static ActionCommands xenMigratingTo(String destination) {
        ClusterTopology pair = TOPOLOGY.cluster(CLUSTER).orElseThrow();
        NodeTopology peer = pair.node(PEER).orElseThrow();
        List<NodeTopology> nodes = pair.nodes().stream()
                .map(n -> n.name().equals(PEER)
                        ? new NodeTopology(PEER, peer.reserveBytes(), destination, peer.fence())
                        : n)
                .toList();
        Topology topology = new Topology(
                Map.of(CLUSTER, new ClusterTopology(CLUSTER, nodes, pair.resources(), pair.vms(), pair.policy())));
        return new ActionCommands(Hypervisor.XEN, "qemu:///system", Path.of("/srv/xen"), topology, CLUSTER);
    }

    @Test
    void xlMigrateIsGivenTheHostOfTheDestinationWithoutUserOrPort() throws Exception {
        assertEquals(
                List.of("xl", "migrate", "web", "node-a.example.org"),
                argv(
                        xenMigratingTo("qemu+ssh://root@node-a.example.org:2222/system"),
                        towardPeer("g", ActionType.VM_MIGRATE_LIVE)));
        assertEquals(
                List.of("xl", "migrate", "web", "10.0.0.11"),
                argv(xenMigratingTo("10.0.0.11"), towardPeer("g", ActionType.VM_MIGRATE_LIVE)),
                "a plain host is passed as it is");
        for (String noHost : List.of("xen:///system", "qemu+ssh://a;reboot/system")) {
            ActionRefused refused = assertThrows(
                    ActionRefused.class,
                    () -> xenMigratingTo(noHost).plan(towardPeer("g", ActionType.VM_MIGRATE_LIVE)),
                    noHost);
            assertEquals(RefusalReason.NOT_CONFIGURED, refused.reason());
            assertTrue(refused.getMessage().contains("migrate_to"), refused.getMessage());
        }
    }

    @Test
    void fenceActionsRunTheTargetsCommandsFromTheTopology() throws Exception {
        assertEquals(PEER_FENCE.powerOff(), argv(libvirt, towardPeer("f", ActionType.FENCE)));
        ActionPlan.FenceStatus status =
                (ActionPlan.FenceStatus) libvirt.plan(towardPeer("fs", ActionType.FENCE_STATUS));
        assertEquals(PEER_FENCE.status(), status.command().argv());
        assertEquals("Chassis Power is off", status.offWhenOutputContains());
    }

    @Test
    void anActionTheTopologyCannotServeIsRefused() {
        ActionCommands empty =
                new ActionCommands(Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), Topology.EMPTY, CLUSTER);
        ActionRefused noCluster =
                assertThrows(ActionRefused.class, () -> empty.plan(towardPeer("f", ActionType.FENCE)));
        assertEquals(RefusalReason.NOT_CONFIGURED, noCluster.reason());
        ActionRefused stranger = assertThrows(
                ActionRefused.class,
                () -> libvirt.plan(action(
                        "f",
                        ActionType.FENCE,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("node-z"),
                        Optional.empty())));
        assertTrue(stranger.getMessage().contains("node-z is not a node of pair-1"), stranger.getMessage());
    }

    @Test
    void aHostileNameNeverBecomesAnActionSoNeverReachesAnArgv() {
        for (String hostile : List.of("-rf", "a;b", "$(reboot)", "web cam", "../etc/passwd")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> action(
                            "x",
                            ActionType.VM_DESTROY,
                            Optional.empty(),
                            Optional.of(hostile),
                            Optional.empty(),
                            Optional.empty()),
                    hostile);
            assertTrue(e.getMessage().startsWith("vm: "), e.getMessage());
        }
    }
}
