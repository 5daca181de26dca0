package io.vigil.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.ActionType;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyLoader;
import io.vigil.sim.SimulatedPair;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed story and its evil twins played end to end on the simulated pair with the production
 * failover logic, executor and parsers, on the simulated clock.
 */
class FailoverRigTest {
    private static final Duration STEP = Duration.ofSeconds(1);

    static Topology labTopology(String... replacements) throws Exception {
        try (InputStream in = FailoverRig.class.getResourceAsStream("/io/vigil/lab/lab-topology.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (int i = 0; i < replacements.length; i += 2) {
                text = text.replace(replacements[i], replacements[i + 1]);
            }
            return TopologyLoader.parse("lab-topology.yaml", text).topology();
        }
    }

    private static String story(FailoverRig rig) {
        return "\n" + String.join("\n", rig.timeline());
    }

    @Test
    void theSeedStoryLiveMigratesTheVmsAwayAndHomeAgainWithoutARestart(@TempDir Path dir) throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        try (FailoverRig rig = new FailoverRig(pair, labTopology(), dir)) {
            rig.run(Duration.ofSeconds(5), STEP);
            int webBoots = pair.boots("web");
            int mailBoots = pair.boots("mail");
            rig.inject("disk-fail node-a /dev/sda");
            rig.run(Duration.ofSeconds(60), STEP);
            assertEquals(List.of("node-b"), pair.hostsRunning("web"), story(rig));
            assertEquals(List.of("node-b"), pair.hostsRunning("mail"), story(rig));
            assertEquals(List.of("node-b"), pair.primariesOf("r0"), story(rig));
            assertEquals(List.of("node-b"), pair.hostsRunning("db"), story(rig));
            // the plan keeps db (priority 40) whole and balloons backup (priority 5) down to its minimum
            assertEquals(1_048_576, pair.nodeB().vmMemoryKiB("backup"), "backup shrank to make room" + story(rig));
            rig.inject("disk-replace node-a /dev/sda");
            rig.run(Duration.ofSeconds(600), STEP);
            assertEquals(List.of("node-a"), pair.hostsRunning("web"), story(rig));
            assertEquals(List.of("node-a"), pair.hostsRunning("mail"), story(rig));
            assertEquals(List.of("node-a"), pair.primariesOf("r0"), story(rig));
            assertEquals(webBoots, pair.boots("web"), "no restart" + story(rig));
            assertEquals(mailBoots, pair.boots("mail"), "no restart" + story(rig));
            assertEquals(4_194_304, pair.nodeB().vmMemoryKiB("backup"), "memory given back" + story(rig));
            assertTrue(pair.doubleRunRefusals().isEmpty(), pair.doubleRunRefusals() + story(rig));
            assertTrue(rig.timeline().stream().anyMatch(l -> l.contains("Healthy")), story(rig));
        }
    }

    @Test
    void aCrashedHostIsFencedThenTheSurvivorPromotedAndTheVmsStartedCold(@TempDir Path dir) throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        try (FailoverRig rig = new FailoverRig(pair, labTopology(), dir)) {
            rig.run(Duration.ofSeconds(5), STEP);
            rig.inject("host-down node-a");
            rig.run(Duration.ofSeconds(90), STEP);
            assertEquals(List.of("node-b"), pair.primariesOf("r0"), story(rig));
            assertEquals(List.of("node-b"), pair.hostsRunning("web"), story(rig));
            assertTrue(rig.sent().stream().anyMatch(a -> a.type() == ActionType.FENCE), story(rig));
            int fence = indexOf(rig, ActionType.FENCE_STATUS);
            int promote = indexOf(rig, ActionType.DRBD_PRIMARY);
            assertTrue(fence >= 0 && fence < promote, "confirmed off before the promotion" + story(rig));
            assertTrue(pair.doubleRunRefusals().isEmpty(), pair.doubleRunRefusals() + story(rig));
        }
    }

    @Test
    void aLiveMigrationBrokenHalfwayRestartsThatVmColdOnTheSurvivorAndMovesTheOtherLive(@TempDir Path dir)
            throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        try (FailoverRig rig = new FailoverRig(pair, labTopology(), dir)) {
            rig.run(Duration.ofSeconds(5), STEP);
            int webBoots = pair.boots("web");
            int mailBoots = pair.boots("mail");
            rig.inject("migration-fails web");
            rig.inject("disk-fail node-a /dev/sda");
            rig.run(Duration.ofSeconds(120), STEP);
            assertEquals(List.of("node-b"), pair.hostsRunning("web"), story(rig));
            assertEquals(List.of("node-b"), pair.hostsRunning("mail"), story(rig));
            assertEquals(List.of("node-b"), pair.primariesOf("r0"), story(rig));
            assertEquals(webBoots + 1, pair.boots("web"), "web restarted cold after its migration broke" + story(rig));
            assertEquals(mailBoots, pair.boots("mail"), "mail moved live" + story(rig));
            assertTrue(pair.doubleRunRefusals().isEmpty(), pair.doubleRunRefusals() + story(rig));
        }
    }

    @Test
    void aBrokenFencePromotesNothingAndPages(@TempDir Path dir) throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        try (FailoverRig rig = new FailoverRig(pair, labTopology(), dir)) {
            rig.run(Duration.ofSeconds(5), STEP);
            rig.inject("fence-broken node-a");
            rig.inject("host-down node-a");
            rig.run(Duration.ofSeconds(180), STEP);
            assertTrue(rig.sent().stream().noneMatch(a -> a.type() == ActionType.DRBD_PRIMARY), story(rig));
            assertEquals(
                    List.of("node-a"),
                    pair.primariesOf("r0"),
                    "frozen node-a still holds r0; node-b was not promoted" + story(rig));
            assertTrue(rig.pages().stream().anyMatch(p -> p.rule().equals("FailoverStuck")), story(rig));
            assertTrue(pair.doubleRunRefusals().isEmpty(), pair.doubleRunRefusals() + story(rig));
        }
    }

    @Test
    void theRigRefusesATopologyWhoseNodesAreNotThePairsHosts(@TempDir Path dir) throws Exception {
        IllegalArgumentException renamed = assertThrows(
                IllegalArgumentException.class,
                () -> new FailoverRig(SimulatedPair.seed(), labTopology("node-b", "node-z"), dir));
        assertTrue(
                renamed.getMessage().contains("node-z") && renamed.getMessage().contains("node-b"),
                renamed.getMessage());
        IllegalArgumentException two = assertThrows(
                IllegalArgumentException.class, () -> new FailoverRig(SimulatedPair.seed(), twoClusters(), dir));
        assertTrue(two.getMessage().contains("pair-1") && two.getMessage().contains("pair-2"), two.getMessage());
    }

    /** The lab's cluster and a copy of it, pair-2, on nodes node-c and node-d. */
    private static Topology twoClusters() throws Exception {
        try (InputStream in = FailoverRig.class.getResourceAsStream("/io/vigil/lab/lab-topology.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String cluster = text.substring(text.indexOf("  pair-1:"));
            String copy = cluster.replace("pair-1", "pair-2")
                    .replace("node-a", "node-c")
                    .replace("node-b", "node-d");
            return TopologyLoader.parse("two-clusters.yaml", text + "\n" + copy).topology();
        }
    }

    @Test
    void aFenceThatSaysYesWhilePowerStaysOnPromotesNothingAndPages(@TempDir Path dir) throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        try (FailoverRig rig = new FailoverRig(pair, labTopology(), dir)) {
            rig.run(Duration.ofSeconds(5), STEP);
            rig.inject("fence-lies node-a");
            rig.inject("host-down node-a");
            rig.run(Duration.ofSeconds(180), STEP);
            assertTrue(rig.sent().stream().noneMatch(a -> a.type() == ActionType.DRBD_PRIMARY), story(rig));
            assertTrue(rig.pages().stream().anyMatch(p -> p.rule().equals("FailoverStuck")), story(rig));
        }
    }

    private static int indexOf(FailoverRig rig, ActionType type) {
        for (int i = 0; i < rig.sent().size(); i++) {
            if (rig.sent().get(i).type() == type) {
                return i;
            }
        }
        return -1;
    }
}
