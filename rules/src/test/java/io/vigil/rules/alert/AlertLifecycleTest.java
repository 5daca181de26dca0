package io.vigil.rules.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.EventRef;
import io.vigil.rules.alert.AlertLifecycle.Step;
import io.vigil.rules.rule.Flapping;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private static final Duration RESEND = Duration.ofMinutes(1);
    private static final Duration RETENTION = Duration.ofMinutes(15);
    private static final Candidate SDA = new Candidate(
            "DiskFailing",
            Map.of("alertname", "DiskFailing", "node", "node-a"),
            Map.of("summary", "sda failing"),
            false);

    private Optional<TrackedAlert> alert = Optional.empty();
    private final List<String> published = new ArrayList<>();

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private Step observe(boolean holds, int seconds, AlertTiming timing) {
        Step step = AlertLifecycle.observe(
                alert,
                SDA,
                holds,
                at(seconds),
                timing,
                Optional.of(new EventRef("pair-1", "node-a", seconds, at(seconds))));
        record(step);
        return step;
    }

    private Step tick(int seconds, AlertTiming timing) {
        Step step = alert.map(a -> AlertLifecycle.tick(a, at(seconds), timing, RESEND, RETENTION))
                .orElseGet(Step::nothing);
        record(step);
        return step;
    }

    private void record(Step step) {
        step.change()
                .ifPresent(c -> published.add(
                        c.wire() + ":" + step.alert().orElseThrow().state().wire() + ":v"
                                + step.alert().orElseThrow().version()));
        alert = step.retain() ? step.alert() : Optional.empty();
    }

    private static AlertTiming timing(int forSeconds, int keepFiringSeconds) {
        return new AlertTiming(Duration.ofSeconds(forSeconds), Duration.ofSeconds(keepFiringSeconds), Optional.empty());
    }

    @Test
    void withoutForAnAlertFiresAtOnceAndResolvesWhenTheConditionClears() {
        AlertTiming t = timing(0, 0);
        assertTrue(observe(false, 0, t).alert().isEmpty(), "a condition that never held is not tracked");
        observe(true, 1, t);
        TrackedAlert firing = alert.orElseThrow();
        assertEquals(AlertState.FIRING, firing.state());
        assertEquals(at(1), firing.activeAt());
        assertEquals(Optional.of(at(1)), firing.firedAt());
        assertEquals(1, firing.cause().orElseThrow().seq());
        observe(true, 2, t);
        observe(false, 3, t);
        assertEquals(Optional.of(at(3)), alert.orElseThrow().resolvedAt());
        assertEquals(List.of("state:firing:v1", "state:resolved:v2"), published);
        tick(3 + 14 * 60, t);
        assertTrue(alert.isPresent(), "a resolved alert is kept for a while");
        tick(3 + 15 * 60, t);
        assertTrue(alert.isEmpty(), "and forgotten after the retention");
    }

    @Test
    void withForAnAlertIsPendingUntilTheConditionHasHeldLongEnough() {
        AlertTiming t = timing(30, 0);
        observe(true, 0, t);
        assertEquals(AlertState.PENDING, alert.orElseThrow().state());
        tick(29, t);
        assertEquals(AlertState.PENDING, alert.orElseThrow().state());
        tick(30, t);
        assertEquals(AlertState.FIRING, alert.orElseThrow().state());
        assertEquals(at(0), alert.orElseThrow().activeAt());
        assertEquals(Optional.of(at(30)), alert.orElseThrow().firedAt());
        assertEquals(List.of("state:pending:v1", "state:firing:v2"), published);
    }

    @Test
    void aPendingAlertWhoseConditionClearsBecomesInactiveOnceAndIsForgotten() {
        AlertTiming t = timing(30, 0);
        observe(true, 0, t);
        observe(true, 10, t);
        observe(false, 20, t);
        assertEquals(List.of("state:pending:v1", "state:inactive:v2"), published);
        assertTrue(alert.isEmpty());
        observe(true, 25, t);
        assertEquals(at(25), alert.orElseThrow().activeAt(), "a new episode starts its own clock");
    }

    @Test
    void anEventArrivingAfterForFiresWithoutWaitingForATick() {
        AlertTiming t = timing(30, 0);
        observe(true, 0, t);
        observe(true, 31, t);
        assertEquals(AlertState.FIRING, alert.orElseThrow().state());
        assertEquals(31, alert.orElseThrow().cause().orElseThrow().seq());
    }

    @Test
    void keepFiringForHoldsAFiringAlertAfterItsConditionClears() {
        AlertTiming t = timing(0, 60);
        observe(true, 0, t);
        observe(false, 10, t);
        assertEquals(AlertState.FIRING, alert.orElseThrow().state());
        assertEquals(Optional.of(at(10)), alert.orElseThrow().keepFiringSince());
        observe(true, 40, t);
        assertEquals(Optional.empty(), alert.orElseThrow().keepFiringSince(), "holding again cancels the countdown");
        observe(false, 50, t);
        tick(109, t);
        assertEquals(AlertState.FIRING, alert.orElseThrow().state());
        tick(110, t);
        assertEquals(AlertState.RESOLVED, alert.orElseThrow().state());
        assertEquals(List.of("state:firing:v1", "resend:firing:v1", "state:resolved:v2"), published);
    }

    @Test
    void aFiringAlertIsResentEveryResendIntervalWithTheSameVersion() {
        AlertTiming t = timing(0, 0);
        observe(true, 0, t);
        tick(30, t);
        tick(60, t);
        tick(90, t);
        tick(120, t);
        assertEquals(List.of("state:firing:v1", "resend:firing:v1", "resend:firing:v1"), published);
        assertEquals(Optional.of(at(120)), alert.orElseThrow().lastSentAt());
    }

    @Test
    void aFlappingConditionIsMarkedOnceAndStopsPaging() {
        AlertTiming t = new AlertTiming(Duration.ZERO, Duration.ZERO, Optional.of(new Flapping(6, 0.2, 0.5)));
        boolean holds = true;
        for (int s = 0; s < 8; s++) {
            observe(holds, s, t);
            holds = !holds;
        }
        assertTrue(alert.orElseThrow().flapping());
        assertEquals(AlertState.FIRING, alert.orElseThrow().state());
        List<String> whileFlapping = List.copyOf(published);
        assertEquals(
                "flapping:firing",
                whileFlapping.get(whileFlapping.size() - 1).substring(0, "flapping:firing".length()),
                whileFlapping.toString());
        for (int s = 8; s < 12; s++) {
            observe(holds, s, t);
            holds = !holds;
        }
        assertEquals(whileFlapping, published, "no page for each change while flapping");
        for (int s = 12; s < 20; s++) {
            observe(false, s, t);
        }
        assertFalse(alert.map(TrackedAlert::flapping).orElse(false));
        String last = published.get(published.size() - 1);
        assertTrue(last.startsWith("state:resolved"), published.toString());
    }

    @Test
    void forgettingEndsWhatIsStillOpen() {
        AlertTiming t = timing(0, 0);
        observe(true, 0, t);
        Step step = AlertLifecycle.forget(alert.orElseThrow(), at(5));
        assertEquals(AlertState.RESOLVED, step.alert().orElseThrow().state());
        assertFalse(step.retain());
        assertEquals(Optional.of(AlertChange.STATE), step.change());
    }

    @Test
    void theChangeShareCountsFlipsOverTheWindow() {
        assertEquals(0.0, AlertLifecycle.changeShare(0b111111, 6, 6));
        assertEquals(1.0, AlertLifecycle.changeShare(0b101010, 6, 6));
        assertEquals(0.2, AlertLifecycle.changeShare(0b000111, 6, 6), 1e-9);
        assertEquals(
                0.2,
                AlertLifecycle.changeShare(0b10, 2, 6),
                1e-9,
                "a young history is measured against the full window");
    }
}
