package io.vigil.rules.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.Envelope;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.rule.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default rule pack's VmNotRunning while a failover holds the VM on the survivor: it fires (it
 * is true: web is not on its home) but inhibited by the saga, so it pages nobody; when the saga no
 * longer holds it there (ended, or the VM runs nowhere) it is not inhibited.
 */
class FailoverInhibitionTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private static final String SAGA = "pair-1:r0:1";

    /** What the failover holds now, as the engine's view over the sagas' store would answer. */
    private Optional<HeldVms> held = Optional.empty();

    private final List<Alert> published = new ArrayList<>();
    private long seq;
    private RuleEvaluator evaluator;

    @BeforeEach
    void start() {
        RuleSet rules = DefaultRulePack.load();
        FailoverHolds holds =
                (cluster, resource, now) -> cluster.equals("pair-1") && resource.equals("r0") ? held : Optional.empty();
        evaluator = new RuleEvaluator(
                rules,
                Roster.empty(),
                EngineTiming.DEFAULTS,
                EngineLimits.DEFAULTS,
                EngineTables.inMemory(),
                Suppression.of(List::of, rules, holds),
                EvaluationListener.NONE,
                T0,
                cluster -> true);
    }

    private void webShutOffAtHome(int second) {
        VmStatus web = new VmStatus(
                "web",
                Optional.empty(),
                Hypervisor.LIBVIRT,
                VmState.SHUT_OFF,
                Optional.of(0L),
                Optional.of(4L << 30),
                Optional.of(2),
                Optional.of("r0"),
                Liveness.NOT_CHECKED,
                Optional.of(true));
        Instant at = T0.plusSeconds(second);
        published.addAll(evaluator.onEvent(Envelope.of("pair-1", "node-a", ++seq, at, web), at));
    }

    private void tick(int second) {
        published.addAll(evaluator.onTick(T0.plusSeconds(second)));
    }

    private Alert lastVmNotRunning() {
        List<Alert> of =
                published.stream().filter(a -> a.rule().equals("VmNotRunning")).toList();
        assertFalse(of.isEmpty(), "VmNotRunning was never published: " + published);
        return of.get(of.size() - 1);
    }

    /** Plays web shut off at home past VmNotRunning's 'for' (1m). */
    private Alert firedAfterAMinute() {
        webShutOffAtHome(0);
        for (int s = 10; s <= 70; s += 10) {
            webShutOffAtHome(s);
            tick(s);
        }
        Alert fired = lastVmNotRunning();
        assertEquals(AlertState.FIRING, fired.state(), published.toString());
        return fired;
    }

    @Test
    void vmNotRunningAtHomeWhileTheSagaHoldsItOnTheSurvivorFiresInhibitedBySaga() {
        held = Optional.of(new HeldVms(SAGA, "node-b", Set.of("web", "mail")));
        Alert fired = firedAfterAMinute();
        assertEquals(List.of(SAGA), fired.inhibitedBy(), "inhibited by the saga that holds web on node-b");
        assertTrue(fired.suppressed(), "no page");
        assertEquals("node-a", fired.labels().get("node"));
    }

    @Test
    void aVmTheSagaMovedButThatRunsNowhereIsNotInhibited() {
        held = Optional.of(new HeldVms(SAGA, "node-b", Set.of("mail")));
        assertEquals(List.of(), firedAfterAMinute().inhibitedBy(), "web runs nowhere: it must page");
    }

    @Test
    void withoutAFailoverHoldingItVmNotRunningPages() {
        assertEquals(List.of(), firedAfterAMinute().inhibitedBy());
    }

    @Test
    void theInhibitionLiftsWhenTheSagaNoLongerHoldsTheVm() {
        held = Optional.of(new HeldVms(SAGA, "node-b", Set.of("web", "mail")));
        firedAfterAMinute();
        // web died on node-b (or the saga ended with web not home): the next tick says so
        held = Optional.empty();
        webShutOffAtHome(80);
        tick(80);
        Alert lifted = lastVmNotRunning();
        assertEquals(AlertChange.SUPPRESSION, lifted.change());
        assertEquals(List.of(), lifted.inhibitedBy());
        assertFalse(lifted.suppressed(), "now it pages");
    }

    @Test
    void aSagaHoldingTheVmOnTheSameNodeAsTheAlertDoesNotInhibitIt() {
        held = Optional.of(new HeldVms(SAGA, "node-a", Set.of("web")));
        assertEquals(List.of(), firedAfterAMinute().inhibitedBy());
    }

    @Test
    void aVmTheSagaJustPutBackHomeIsInhibitedThereUntilHomeReportsIt() {
        held = Optional.of(new HeldVms(SAGA, "node-b", Set.of("web", "mail")));
        firedAfterAMinute();
        // the failback migrated web home; node-a's probe has not run since, so its last word is still "shut off"
        held = Optional.of(new HeldVms(SAGA, "node-a", Set.of(), Set.of("web")));
        webShutOffAtHome(80);
        tick(80);
        Alert still = lastVmNotRunning();
        assertEquals(List.of(SAGA), still.inhibitedBy(), "web is on its way home: no page");
        assertTrue(still.suppressed());
    }
}
