package io.vigil.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Action;
import io.vigil.events.ActionType;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.sim.SimulatedPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each safety invariant catches what it names, on the simulator's ground truth, once per subject. */
class InvariantsTest {

    private static ClusterTopology labCluster() throws Exception {
        return FailoverRigTest.labTopology().clusters().get("pair-1");
    }

    @Test
    void aHealthyPairBreaksNothing() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.tick(Duration.ofSeconds(5));
        assertEquals(List.of(), invariants.check("step 1"));
    }

    @Test
    void aSecondPrimaryWithoutTheWindowIsTwoPrimariesAndAPromotionWhileThePeerCouldWrite() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.inject("link-cut");
        pair.nodeB().promote("r0");
        List<String> found = invariants.check("step 7", true);
        assertTrue(
                found.stream().anyMatch(v -> v.startsWith(Invariants.TWO_PRIMARIES + " at step 7")), found.toString());
        assertTrue(found.stream().anyMatch(v -> v.startsWith(Invariants.PROMOTED_PEER_WRITING)), found.toString());
        assertEquals(List.of(), invariants.check("step 8"), "reported once, not at every step");
        assertEquals(
                2,
                invariants.violations().size(),
                "a human's hand needs no audit entry, but breaks the safety rules all the same");
    }

    @Test
    void twoPrimariesInsideAnAgreedWindowAreAllowed() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.nodeA().allowTwoPrimaries("r0", true);
        pair.nodeB().promote("r0");
        assertEquals(List.of(), invariants.check("step 1", true));
    }

    @Test
    void aPromotionOfADiskStillResyncingIsCaught() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.inject("disk-fail node-b /dev/sda");
        pair.inject("disk-replace node-b /dev/sda");
        pair.nodeA().allowTwoPrimaries("r0", true);
        pair.nodeB().promote("r0");
        List<String> found = invariants.check("step 3", true);
        assertTrue(
                found.stream()
                        .anyMatch(v -> v.startsWith(Invariants.PROMOTED_NOT_UP_TO_DATE) && v.contains("Inconsistent")),
                found.toString());
    }

    @Test
    void aStartRefusedBecauseTheVmRunsOnThePeerIsAVmOnTwoHosts() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.nodeA().allowTwoPrimaries("r0", true);
        pair.nodeB().promote("r0");
        try {
            pair.nodeB().startVm("mail"); // mail (4 GiB) fits beside db and backup: only its run on node-a refuses it
        } catch (RuntimeException refused) {
            // the simulator refuses and records it: that refusal is the violation
        }
        List<String> found = invariants.check("step 4", true);
        assertTrue(found.stream().anyMatch(v -> v.startsWith(Invariants.VM_ON_TWO_HOSTS)), found.toString());
    }

    @Test
    void aPromotionOrABootNoAuditedActionExplainsIsCaughtAndOneThatIsIsNot() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        List<Action> sent = new ArrayList<>();
        List<AuditEntry> audit = new ArrayList<>();
        Invariants invariants = new Invariants(pair, labCluster(), () -> sent, () -> audit);
        pair.nodeB().shutdownVm("backup");
        pair.nodeB().startVm("backup");
        List<String> found = invariants.check("step 2");
        assertTrue(
                found.stream().anyMatch(v -> v.startsWith(Invariants.UNEXPLAINED) && v.contains("backup")),
                found.toString());
        Action start = new Action(
                "pair-1:r1:1:start:backup:1",
                "pair-1:r1:1",
                "pair-1",
                "node-b",
                ActionType.VM_START,
                Optional.of("r1"),
                Optional.of("backup"),
                Optional.empty(),
                Optional.empty(),
                pair.now(),
                pair.now().plusSeconds(60));
        sent.add(start);
        audit.add(new AuditEntry(
                "pair-1",
                "pair-1:r1:1",
                "r1",
                pair.now(),
                AuditKind.ACTION,
                "Starting",
                "start backup",
                List.of(),
                Optional.of(start.id())));
        pair.nodeB().shutdownVm("backup");
        pair.nodeB().startVm("backup");
        assertEquals(List.of(), invariants.check("step 3"), "explained by its audited action");
    }

    @Test
    void anActionIdSentTwiceIsCaught() throws Exception {
        Invariants invariants = new Invariants(SimulatedPair.seed(), labCluster());
        assertEquals(List.of(), invariants.sent("step 1", "pair-1:r0:1:promote:node-b:1"));
        assertEquals(List.of(), invariants.sent("step 2", "pair-1:r0:1:promote:node-b:2"));
        List<String> again = invariants.sent("step 3", "pair-1:r0:1:promote:node-b:1");
        assertTrue(again.size() == 1 && again.get(0).startsWith(Invariants.ACTION_TWICE), again.toString());
    }

    @Test
    void aChangeWhoseAuditEntryIsReadLateIsExplainedWithinItsChecksAndCaughtAfter() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        List<Action> sent = new ArrayList<>();
        List<AuditEntry> audit = new ArrayList<>();
        Invariants invariants = new Invariants(pair, labCluster(), () -> sent, () -> audit, 2, 0);
        pair.nodeB().shutdownVm("backup");
        pair.nodeB().startVm("backup");
        assertEquals(List.of(), invariants.check("0.2s"), "the audit entry may still be on its way");
        Action start = new Action(
                "pair-1:r1:1:start:backup:1",
                "pair-1:r1:1",
                "pair-1",
                "node-b",
                ActionType.VM_START,
                Optional.of("r1"),
                Optional.of("backup"),
                Optional.empty(),
                Optional.empty(),
                pair.now(),
                pair.now().plusSeconds(60));
        sent.add(start);
        audit.add(new AuditEntry(
                "pair-1",
                "pair-1:r1:1",
                "r1",
                pair.now(),
                AuditKind.ACTION,
                "Starting",
                "start backup",
                List.of(),
                Optional.of(start.id())));
        assertEquals(List.of(), invariants.check("0.5s"), "read a check later: explained");
        assertEquals(List.of(), invariants.check("0.7s"));
        assertEquals(List.of(), invariants.check("1.0s"));

        pair.nodeA().shutdownVm("web");
        pair.nodeA().startVm("web");
        assertEquals(List.of(), invariants.check("1.2s"));
        assertEquals(List.of(), invariants.check("1.5s"));
        assertEquals(List.of(), invariants.check("1.7s"));
        List<String> late = invariants.check("2.0s");
        assertTrue(
                late.size() == 1
                        && late.get(0).startsWith(Invariants.UNEXPLAINED + " at 1.2s")
                        && late.get(0).contains("web"),
                "unexplained when its checks are up, named at the check that saw it: " + late);
    }

    @Test
    void telemetryMayJumpOnceAfterAnAgentRestartAndNowhereElse() throws Exception {
        Invariants invariants = new Invariants(SimulatedPair.seed(), labCluster(), List::of, List::of, 0, 0);
        assertEquals(List.of(), invariants.received("1s", "node-a", 0), "a new agent's publisher starts at 0");
        assertEquals(List.of(), invariants.received("1s", "node-a", 1));
        invariants.agentRestarted("node-a");
        assertEquals(
                List.of(),
                invariants.received("2s", "node-a", 1000),
                "a restarted agent resumes at its reserved block");
        assertEquals(List.of(), invariants.received("2s", "node-a", 1001));
        List<String> gap = invariants.received("3s", "node-a", 1003);
        assertTrue(
                gap.size() == 1 && gap.get(0).startsWith(Invariants.TELEMETRY_GAP),
                "only one jump per restart: " + gap);
        List<String> firstLost = invariants.received("3s", "node-b", 1);
        assertTrue(
                firstLost.size() == 1 && firstLost.get(0).contains("node-b record 1 arrived where 0 was due"),
                firstLost.toString());
    }
}
