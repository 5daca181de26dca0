package io.vigil.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Action;
import io.vigil.events.ActionType;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.lab.sim.SimulatedPair;
import io.vigil.service.topology.ClusterTopology;
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
        assertEquals(List.of(), invariants.check(1));
    }

    @Test
    void aSecondPrimaryWithoutTheWindowIsTwoPrimariesAndAPromotionWhileThePeerCouldWrite() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.inject("link-cut");
        pair.nodeB().promote("r0");
        List<String> found = invariants.check(7, true);
        assertTrue(found.stream().anyMatch(v -> v.startsWith(Invariants.TWO_PRIMARIES + " at step 7")), found.toString());
        assertTrue(found.stream().anyMatch(v -> v.startsWith(Invariants.PROMOTED_PEER_WRITING)), found.toString());
        assertEquals(List.of(), invariants.check(8), "reported once, not at every step");
        assertEquals(2, invariants.violations().size(), "a human's hand needs no audit entry, but breaks the safety rules all the same");
    }

    @Test
    void twoPrimariesInsideAnAgreedWindowAreAllowed() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.nodeA().allowTwoPrimaries("r0", true);
        pair.nodeB().promote("r0");
        assertEquals(List.of(), invariants.check(1, true));
    }

    @Test
    void aPromotionOfADiskStillResyncingIsCaught() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Invariants invariants = new Invariants(pair, labCluster());
        pair.inject("disk-fail node-b /dev/sda");
        pair.inject("disk-replace node-b /dev/sda");
        pair.nodeA().allowTwoPrimaries("r0", true);
        pair.nodeB().promote("r0");
        List<String> found = invariants.check(3, true);
        assertTrue(found.stream().anyMatch(v -> v.startsWith(Invariants.PROMOTED_NOT_UP_TO_DATE) && v.contains("Inconsistent")),
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
        List<String> found = invariants.check(4, true);
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
        List<String> found = invariants.check(2);
        assertTrue(found.stream().anyMatch(v -> v.startsWith(Invariants.UNEXPLAINED) && v.contains("backup")), found.toString());
        Action start = new Action("pair-1:r1:1:start:backup:1", "pair-1:r1:1", "pair-1", "node-b", ActionType.VM_START, Optional.of("r1"),
                Optional.of("backup"), Optional.empty(), Optional.empty(), pair.now(), pair.now().plusSeconds(60));
        sent.add(start);
        audit.add(new AuditEntry("pair-1", "pair-1:r1:1", "r1", pair.now(), AuditKind.ACTION, "Starting", "start backup", List.of(),
                Optional.of(start.id())));
        pair.nodeB().shutdownVm("backup");
        pair.nodeB().startVm("backup");
        assertEquals(List.of(), invariants.check(3), "explained by its audited action");
    }

    @Test
    void anActionIdSentTwiceIsCaught() throws Exception {
        Invariants invariants = new Invariants(SimulatedPair.seed(), labCluster());
        assertEquals(List.of(), invariants.sent(1, "pair-1:r0:1:promote:node-b:1"));
        assertEquals(List.of(), invariants.sent(2, "pair-1:r0:1:promote:node-b:2"));
        List<String> again = invariants.sent(3, "pair-1:r0:1:promote:node-b:1");
        assertTrue(again.size() == 1 && again.get(0).startsWith(Invariants.ACTION_TWICE), again.toString());
    }
}
