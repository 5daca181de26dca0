package io.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.executor.ActionCommands;
import io.vigil.collectors.executor.ActionRunner;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionType;
import io.vigil.events.DrbdRole;
import io.vigil.events.Hypervisor;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyLoader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The executor's promotion on the simulated host: it reads the local disk the moment before it
 * promotes, so a disk lost after the engine decided is never promoted (found by a chaos run: the
 * failback's promotion reached node-b a second after its disk died).
 */
class PromotionOnSimulatorTest {
    private final SimulatedPair pair = SimulatedPair.seed();

    private ActionResult promote(SimulatedHost host, String resource) throws Exception {
        Topology topology;
        try (InputStream in = PromotionOnSimulatorTest.class.getResourceAsStream("/io/vigil/lab/lab-topology.yaml")) {
            topology = TopologyLoader.parse("lab-topology.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .topology();
        }
        ActionCommands commands =
                new ActionCommands(Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), topology, "pair-1");
        ActionRunner runner = new ActionRunner(host, pair.clock(), Duration.ofMinutes(1), 4096, Duration.ofMillis(10));
        Action action = new Action(
                "pair-1:" + resource + ":1:fb-promote:" + host.name() + ":1",
                "pair-1:" + resource + ":1",
                "pair-1",
                host.name(),
                ActionType.DRBD_PRIMARY,
                Optional.of(resource),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                pair.now(),
                pair.now().plusSeconds(60));
        return runner.run(action, commands.plan(action));
    }

    @Test
    void aDiskLostAfterTheDecisionIsNotPromotedThoughDrbdWouldAllowIt() throws Exception {
        // node-b's disk dies; DRBD itself would still promote it, diskless, reading through node-a
        assertTrue(pair.inject("disk-fail node-b /dev/sda").applied());
        pair.nodeA().allowTwoPrimaries("r0", true);
        ActionResult result = promote(pair.nodeB(), "r0");
        assertEquals(ActionOutcome.FAILED, result.outcome(), result.output());
        assertTrue(result.output().contains("Diskless, not UpToDate: not promoted"), result.output());
        assertEquals(DrbdRole.SECONDARY, pair.nodeB().role("r0"));
    }

    @Test
    void anUpToDateDiskIsPromoted() throws Exception {
        pair.nodeA().allowTwoPrimaries("r0", true);
        ActionResult result = promote(pair.nodeB(), "r0");
        assertEquals(ActionOutcome.SUCCEEDED, result.outcome(), result.output());
        assertEquals(DrbdRole.PRIMARY, pair.nodeB().role("r0"));
    }
}
