package io.vigil.rules.notify.alertmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.Alerts;
import io.vigil.rules.notify.Outbox;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.dispatch.RecordPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertmanagerOutboxTest {
    private static final Instant T = Alerts.T;
    private static final Alert FIRING = Alerts.lost(AlertState.FIRING);
    private static final Alert RESOLVED = Alerts.lost(AlertState.RESOLVED);
    private static final Alert OTHER =
            Alerts.of("VgNearlyFull", "node-b", "warning", AlertState.FIRING, Map.of("vg", "vg0"));

    private static RecordPosition at(long offset) {
        return new RecordPosition(0, offset);
    }

    @Test
    void whatPilesUpWhileAPushIsOutLeavesInOneBatchWithTheNewestStateOnly() {
        AlertmanagerOutbox outbox = new AlertmanagerOutbox("am", Duration.ofMinutes(15));
        assertEquals(Optional.empty(), outbox.offer(FIRING, Optional.of(at(1)), T));
        Outbox.Batch first = outbox.due(T).orElseThrow();
        assertEquals(List.of(FIRING), first.alerts());
        assertEquals(Optional.empty(), outbox.due(T), "one push out at a time");
        outbox.offer(OTHER, Optional.of(at(2)), T);
        outbox.offer(RESOLVED, Optional.of(at(3)), T);
        assertEquals(Set.of(at(1)), outbox.done(first, new Outcome.Delivered("200"), T));
        Outbox.Batch second = outbox.due(T).orElseThrow();
        assertEquals(List.of(OTHER, RESOLVED), second.alerts());
        assertEquals(Set.of(at(2), at(3)), second.records());
    }

    @Test
    void aFailedPushIsRetriedWithBackoffAndANewerStateReplacesTheOldOne() {
        AlertmanagerOutbox outbox = new AlertmanagerOutbox("am", Duration.ofMinutes(15));
        outbox.offer(FIRING, Optional.of(at(1)), T);
        outbox.offer(OTHER, Optional.of(at(2)), T);
        Outbox.Batch batch = outbox.due(T).orElseThrow();
        outbox.offer(RESOLVED, Optional.of(at(3)), T);
        assertEquals(
                Set.of(at(1)),
                outbox.done(batch, new Outcome.Retry("connection refused"), T),
                "the firing record is done with: the resolve that came meanwhile carries its news");
        assertEquals(Optional.empty(), outbox.due(T.plusMillis(999)), "backing off 1 s");
        Outbox.Batch retry = outbox.due(T.plusSeconds(1)).orElseThrow();
        assertEquals(Set.of(RESOLVED, OTHER), Set.copyOf(retry.alerts()));
        assertEquals(Set.of(at(2), at(3)), retry.records());
        outbox.done(retry, new Outcome.Retry("connection refused"), T.plusSeconds(1));
        assertEquals(Optional.empty(), outbox.due(T.plusMillis(2999)), "then 2 s");
        Outbox.Batch third = outbox.due(T.plusSeconds(3)).orElseThrow();
        assertEquals(Set.of(at(2), at(3)), outbox.done(third, new Outcome.Delivered("200"), T.plusSeconds(3)));
        assertEquals(Optional.empty(), outbox.due(T.plusSeconds(4)), "nothing left");
    }

    @Test
    void resolvedAlertsArePushedAgainEveryMinuteForResolvedResendForAsPrometheusDoes() {
        AlertmanagerOutbox outbox = new AlertmanagerOutbox("am", Duration.ofMinutes(3));
        outbox.offer(RESOLVED, Optional.of(at(1)), T);
        outbox.done(outbox.due(T).orElseThrow(), new Outcome.Delivered("200"), T);
        assertEquals(Optional.empty(), outbox.due(T.plusSeconds(59)));
        Outbox.Batch again = outbox.due(T.plusSeconds(60)).orElseThrow();
        assertEquals(List.of(RESOLVED), again.alerts());
        assertTrue(again.records().isEmpty(), "a resend settles no record");
        outbox.done(again, new Outcome.Delivered("200"), T.plusSeconds(60));
        outbox.done(outbox.due(T.plusSeconds(120)).orElseThrow(), new Outcome.Delivered("200"), T.plusSeconds(120));
        assertEquals(Optional.empty(), outbox.due(T.plusSeconds(180)), "not after resolved_resend_for");
        outbox.offer(RESOLVED, Optional.of(at(2)), T.plusSeconds(200));
        outbox.done(outbox.due(T.plusSeconds(200)).orElseThrow(), new Outcome.Delivered("200"), T.plusSeconds(200));
        outbox.offer(FIRING, Optional.of(at(3)), T.plusSeconds(210));
        outbox.done(outbox.due(T.plusSeconds(210)).orElseThrow(), new Outcome.Delivered("200"), T.plusSeconds(210));
        assertEquals(
                Optional.empty(), outbox.due(T.plusSeconds(300)), "firing again: its resolve is not pushed any more");
    }
}
