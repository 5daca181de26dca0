package io.vigil.rules.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.DedupStage.Decision;
import io.vigil.rules.notify.dispatch.Flush;
import io.vigil.rules.notify.dispatch.GroupKey;
import io.vigil.rules.notify.nflog.LogEntry;
import io.vigil.rules.notify.webhook.WebhookSpec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a group's turn tells, from the notification log: news only, muted alerts left out but not forgotten. */
class DedupStageTest {
    private static final Instant T = Alerts.T;
    private static final Duration REPEAT = Duration.ofHours(4);
    private static final Alert A =
            Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.FIRING, Map.of("vg", "vg0"));
    private static final Alert B =
            Alerts.of("VgNearlyFull", "node-b", "warning", AlertState.FIRING, Map.of("vg", "vg0"));
    private static final Alert A_RESOLVED =
            Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.RESOLVED, Map.of("vg", "vg0"));

    private static WebhookSpec hook(boolean sendResolved) {
        return new WebhookSpec(
                "hook", URI.create("http://127.0.0.1:5001/"), Optional.empty(), 0, sendResolved, Duration.ofSeconds(5));
    }

    private static Flush flush(Alert... alerts) {
        return new Flush(
                "hook", new GroupKey("{}", Map.of("alertname", "VgNearlyFull")), List.of(alerts), Set.of(), REPEAT);
    }

    private static Alert silenced(Alert a) {
        return new Alert(
                a.v(),
                a.fingerprint(),
                a.rule(),
                a.state(),
                a.version() + 1,
                a.change(),
                a.labels(),
                a.annotations(),
                a.activeAt(),
                a.firedAt(),
                a.resolvedAt(),
                a.endsAt(),
                a.sentAt(),
                a.flapping(),
                a.failover(),
                List.of("s-1"),
                List.of(),
                a.cause());
    }

    private static Decision decide(Flush flush, Optional<LogEntry> last, boolean sendResolved, Instant now) {
        return DedupStage.decide(flush, last, hook(sendResolved), "http://vigil.example", now);
    }

    @Test
    void aNewAlertIsSentAndIsNews() {
        Decision.Send send = assertInstanceOf(Decision.Send.class, decide(flush(A), Optional.empty(), true, T));
        assertEquals(List.of(A), send.notification().firing());
        assertEquals(List.of(A), send.news());
        assertEquals(Set.of(A.fingerprint()), send.firing());
        assertInstanceOf(
                Decision.Nothing.class,
                decide(
                        flush(A),
                        Optional.of(new LogEntry(Set.of(A.fingerprint()), Set.of(), T)),
                        true,
                        T.plusSeconds(60)),
                "told already");
    }

    @Test
    void aMutedAlertThatWasToldNeitherLooksResolvedNorNewWhenUnmuted() {
        LogEntry told = new LogEntry(Set.of(A.fingerprint(), B.fingerprint()), Set.of(), T);
        assertInstanceOf(
                Decision.Nothing.class,
                decide(flush(silenced(A), B), Optional.of(told), true, T.plusSeconds(60)),
                "silencing A is not news to the receiver");
        assertInstanceOf(
                Decision.Nothing.class,
                decide(flush(A, B), Optional.of(told), true, T.plusSeconds(120)),
                "unmuted: it was told, nothing new");
        assertInstanceOf(
                Decision.Nothing.class,
                decide(flush(silenced(A)), Optional.empty(), true, T),
                "muted and never told: nothing");
    }

    @Test
    void aRepeatCarriesOnlyWhatIsNotMutedAndIsNoNews() {
        LogEntry told = new LogEntry(Set.of(A.fingerprint(), B.fingerprint()), Set.of(), T);
        Decision.Send repeat = assertInstanceOf(
                Decision.Send.class, decide(flush(silenced(A), B), Optional.of(told), true, T.plus(REPEAT)));
        assertEquals(List.of(B), repeat.notification().firing());
        assertEquals(List.of(), repeat.news());
        assertEquals(Set.of(A.fingerprint(), B.fingerprint()), repeat.firing(), "the muted one stays told");
        assertInstanceOf(
                Decision.Nothing.class,
                decide(
                        flush(silenced(A)),
                        Optional.of(new LogEntry(Set.of(A.fingerprint()), Set.of(), T)),
                        true,
                        T.plus(REPEAT)),
                "nothing unmuted to repeat");
    }

    @Test
    void aResolveIsToldOnlyToWhoHeardItFireAndOnlyWhenTheReceiverWantsResolves() {
        LogEntry told = new LogEntry(Set.of(A.fingerprint()), Set.of(), T);
        Decision.Send send = assertInstanceOf(
                Decision.Send.class, decide(flush(A_RESOLVED), Optional.of(told), true, T.plusSeconds(300)));
        assertEquals(List.of(A_RESOLVED), send.notification().resolved());
        assertEquals(List.of(A_RESOLVED), send.news());
        Decision.LogOnly logOnly = assertInstanceOf(
                Decision.LogOnly.class,
                decide(flush(A_RESOLVED), Optional.of(told), false, T.plusSeconds(300)),
                "send_resolved: false: nothing sent, but the next firing will be news");
        assertEquals(Set.of(), logOnly.entry().firing());
        assertInstanceOf(
                Decision.Nothing.class, decide(flush(A_RESOLVED), Optional.empty(), true, T), "never told it fired");
    }
}
