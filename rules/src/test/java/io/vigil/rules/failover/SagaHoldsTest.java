package io.vigil.rules.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.events.ActionType;
import io.vigil.events.Envelope;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import io.vigil.rules.engine.HeldVms;
import io.vigil.rules.engine.MapStateTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which VMs a saga holds on its survivor, read from the failover's tables as the engine's rules read them. */
class SagaHoldsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private final MapStateTable<ResourceFailovers> sagas = new MapStateTable<>();
    private final MapStateTable<ClusterFacts> facts = new MapStateTable<>();
    private final SagaHolds holds = new SagaHolds(sagas, facts);
    private long seq;

    /** A live evacuation of r0 (web, mail) from node-a to node-b that went through {@code phases}, in the last of them. */
    private void saga(List<String> leftDown, SagaPhase... phases) {
        saga(leftDown, List.of(), phases);
    }

    /**
     * The same, having done {@code moved} (steps such as "fb-migrate:web", each succeeded); phase i
     * entered at second i. An ended saga is kept among the resource's recent ones, as the engine keeps it.
     */
    private void saga(List<String> leftDown, List<String> moved, SagaPhase... phases) {
        Map<String, SagaStep> steps = new LinkedHashMap<>();
        for (String step : moved) {
            steps.put(
                    step,
                    new SagaStep(
                            step,
                            "node-b",
                            ActionType.VM_MIGRATE_LIVE,
                            "pair-1:r0:1:" + step + ":1",
                            1,
                            SagaStep.StepStatus.SUCCEEDED,
                            T0,
                            T0.plusSeconds(60),
                            Optional.of(0),
                            ""));
        }
        List<Saga.PhaseVisit> history = new ArrayList<>();
        for (int i = 0; i < phases.length; i++) {
            history.add(new Saga.PhaseVisit(phases[i], T0.plusSeconds(i)));
        }
        SagaPhase now = phases[phases.length - 1];
        Saga saga = new Saga(
                "pair-1:r0:1",
                "pair-1",
                "r0",
                1,
                FailoverWay.LIVE_EVACUATION,
                "node-a",
                "node-b",
                now,
                T0,
                T0.plusSeconds(phases.length - 1),
                "node-a lost its disk",
                List.of(),
                false,
                false,
                false,
                steps,
                List.of("web", "mail"),
                leftDown,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                history);
        sagas.put(
                ClusterFailovers.key("pair-1", "r0"),
                ResourceFailovers.NONE.counted().withCurrent(saga));
    }

    private void vm(String node, String name, VmState state, int second) {
        VmStatus body = new VmStatus(
                name,
                Optional.empty(),
                Hypervisor.LIBVIRT,
                state,
                Optional.of(1L << 30),
                Optional.of(4L << 30),
                Optional.of(2),
                Optional.of("r0"),
                Liveness.NOT_CHECKED,
                Optional.of(node.equals("node-a")));
        Instant at = T0.plusSeconds(second);
        ClusterFacts known = facts.get("pair-1").orElse(ClusterFacts.empty("pair-1"));
        facts.put("pair-1", known.with(Envelope.of("pair-1", node, ++seq, at, body), at));
    }

    private void failedOverWithBothOnNodeB() {
        vm("node-a", "web", VmState.SHUT_OFF, 10);
        vm("node-a", "mail", VmState.SHUT_OFF, 10);
        vm("node-b", "web", VmState.RUNNING, 10);
        vm("node-b", "mail", VmState.RUNNING, 10);
    }

    @Test
    void aFailedOverSagaHoldsTheVmsRunningOnItsSurvivor() {
        saga(List.of(), SagaPhase.DEGRADED, SagaPhase.MAKING_ROOM, SagaPhase.EVACUATING, SagaPhase.FAILED_OVER);
        failedOverWithBothOnNodeB();
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-b", Set.of("web", "mail"))),
                holds.held("pair-1", "r0", T0.plusSeconds(20)));
        assertEquals(Optional.empty(), holds.held("pair-1", "r1", T0.plusSeconds(20)), "another resource");
    }

    @Test
    void aVmThatRunsNowhereIsNotHeld() {
        saga(
                List.of(),
                SagaPhase.DEGRADED,
                SagaPhase.FENCING,
                SagaPhase.PROMOTING,
                SagaPhase.STARTING,
                SagaPhase.FAILED_OVER);
        failedOverWithBothOnNodeB();
        vm("node-b", "web", VmState.CRASHED, 15);
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-b", Set.of("mail"))),
                holds.held("pair-1", "r0", T0.plusSeconds(20)));
    }

    @Test
    void aVmTheSagaLeftDownIsNotItsToHoldEvenIfSomeoneStartedIt() {
        saga(List.of("mail"), SagaPhase.DEGRADED, SagaPhase.MAKING_ROOM, SagaPhase.EVACUATING, SagaPhase.FAILED_OVER);
        failedOverWithBothOnNodeB();
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-b", Set.of("web"))),
                holds.held("pair-1", "r0", T0.plusSeconds(20)));
    }

    @Test
    void aSagaThatMovedNothingYetHoldsNothing() {
        saga(List.of(), SagaPhase.DEGRADED, SagaPhase.HELD);
        failedOverWithBothOnNodeB();
        assertEquals(
                Optional.empty(),
                holds.held("pair-1", "r0", T0.plusSeconds(20)),
                "VMs running on node-b were not put there by it");
    }

    @Test
    void anEndedSagaHoldsNothing() {
        saga(
                List.of(),
                SagaPhase.DEGRADED,
                SagaPhase.EVACUATING,
                SagaPhase.FAILED_OVER,
                SagaPhase.FAILING_BACK,
                SagaPhase.HEALTHY);
        failedOverWithBothOnNodeB();
        assertEquals(Optional.empty(), holds.held("pair-1", "r0", T0.plusSeconds(20)));
    }

    @Test
    void aSurvivorSilentLongerThanTheFactAgeProvesNothingAboutItsVms() {
        saga(List.of(), SagaPhase.DEGRADED, SagaPhase.EVACUATING, SagaPhase.FAILED_OVER);
        failedOverWithBothOnNodeB();
        Instant late = T0.plusSeconds(10).plus(ClusterFailovers.FACT_AGE).plusSeconds(1);
        assertEquals(Optional.empty(), holds.held("pair-1", "r0", late));
    }

    /** r0 failed over to node-b, resynced and failed back: web and mail migrated home, the saga Healthy at second 6. */
    private void failedBack() {
        vm("node-a", "web", VmState.SHUT_OFF, 1);
        vm("node-a", "mail", VmState.SHUT_OFF, 1);
        vm("node-b", "web", VmState.RUNNING, 1);
        vm("node-b", "mail", VmState.RUNNING, 1);
        saga(
                List.of(),
                List.of("migrate:web", "migrate:mail", "fb-migrate:web", "fb-migrate:mail"),
                SagaPhase.DEGRADED,
                SagaPhase.EVACUATING,
                SagaPhase.FAILED_OVER,
                SagaPhase.RESYNCING,
                SagaPhase.READY_FOR_FAILBACK,
                SagaPhase.FAILING_BACK,
                SagaPhase.HEALTHY);
    }

    @Test
    void afterTheFailbackTheSagaHoldsItsVmsUntilHomeReportsThemRunning() {
        failedBack();
        // node-b's report that they left comes first; node-a's VM probe has not run since the migrations
        vm("node-b", "web", VmState.MISSING, 7);
        vm("node-b", "mail", VmState.MISSING, 7);
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-a", Set.of(), Set.of("web", "mail"))),
                holds.held("pair-1", "r0", T0.plusSeconds(8)),
                "node-a's last word on them predates the failback: not running there is not known yet");
        vm("node-a", "web", VmState.RUNNING, 9);
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-a", Set.of(), Set.of("mail"))),
                holds.held("pair-1", "r0", T0.plusSeconds(9)),
                "web is seen home: the saga is done with it");
        vm("node-a", "mail", VmState.RUNNING, 10);
        assertEquals(Optional.empty(), holds.held("pair-1", "r0", T0.plusSeconds(10)));
    }

    @Test
    void aVmHomeReportsNotRunningAfterTheFailbackIsNotHeld() {
        failedBack();
        vm("node-a", "web", VmState.RUNNING, 9);
        vm("node-a", "mail", VmState.CRASHED, 9);
        assertEquals(
                Optional.empty(), holds.held("pair-1", "r0", T0.plusSeconds(9)), "mail is down at home: it must page");
    }

    @Test
    void theHoldAfterTheFailbackRunsOutWhenHomeSaysNothing() {
        failedBack();
        Instant healthy = T0.plusSeconds(6);
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-a", Set.of(), Set.of("web", "mail"))),
                holds.held("pair-1", "r0", healthy.plus(SagaHolds.SETTLING)));
        assertEquals(
                Optional.empty(),
                holds.held("pair-1", "r0", healthy.plus(SagaHolds.SETTLING).plusSeconds(1)),
                "node-a has not reported them in " + SagaHolds.SETTLING + ": a VM nobody sees running pages");
    }

    @Test
    void whileFailingBackAVmMovedHomeIsHeldEvenOnceTheSurvivorReportsItGone() {
        vm("node-a", "web", VmState.SHUT_OFF, 1);
        vm("node-a", "mail", VmState.SHUT_OFF, 1);
        vm("node-b", "mail", VmState.RUNNING, 1);
        vm("node-b", "web", VmState.MISSING, 5);
        saga(
                List.of(),
                List.of("migrate:web", "migrate:mail", "fb-migrate:web"),
                SagaPhase.DEGRADED,
                SagaPhase.EVACUATING,
                SagaPhase.FAILED_OVER,
                SagaPhase.RESYNCING,
                SagaPhase.READY_FOR_FAILBACK,
                SagaPhase.FAILING_BACK);
        assertEquals(
                Optional.of(new HeldVms("pair-1:r0:1", "node-b", Set.of("mail"), Set.of("web"))),
                holds.held("pair-1", "r0", T0.plusSeconds(6)));
    }
}
