package io.vigil.rules.notify.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.LabelMatcher;
import io.vigil.rules.notify.Alerts;
import io.vigil.rules.notify.nflog.LogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private static final Instant T = Alerts.T;
    private static final RouteSpec PAGER = new RouteSpec(
            "pager",
            List.of(LabelMatcher.parse("severity=critical")),
            List.of("cluster", "alertname"),
            Duration.ZERO,
            Duration.ofMinutes(5),
            Duration.ofHours(4),
            true,
            List.of());
    private static final RouteSpec DB = new RouteSpec(
            "db-team",
            List.of(LabelMatcher.parse("vm=db")),
            List.of("cluster"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofHours(4),
            false,
            List.of());
    private static final RouteSpec ROOT = new RouteSpec(
            "mail",
            List.of(),
            List.of("cluster", "alertname"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofHours(4),
            false,
            List.of(PAGER, DB));

    @Test
    void routesAreWalkedAsAlertmanagerWalksThem() {
        RouteTree tree = new RouteTree(ROOT);
        assertEquals(List.of("mail"), receivers(tree, Map.of("severity", "warning")));
        assertEquals(List.of("pager"), receivers(tree, Map.of("severity", "critical")), "no later sibling matches");
        assertEquals(
                List.of("pager", "db-team"),
                receivers(tree, Map.of("severity", "critical", "vm", "db")),
                "continue goes on");
        assertEquals(List.of("db-team"), receivers(tree, Map.of("severity", "warning", "vm", "db")));
    }

    private static List<String> receivers(RouteTree tree, Map<String, String> labels) {
        return tree.match(labels).stream().map(r -> r.spec().receiver()).toList();
    }

    private static final RouteTree TREE = new RouteTree(ROOT);

    private static RouteTree.Route routeOf(Alert alert) {
        List<RouteTree.Route> routes = TREE.match(alert.labels());
        assertEquals(1, routes.size(), "one route: " + routes);
        return routes.get(0);
    }

    private static Dispatcher.Accepted accept(Dispatcher d, Alert alert, long offset, Instant now) {
        return d.accept(alert, routeOf(alert), Optional.of(new RecordPosition(0, offset)), now);
    }

    @Test
    void aGroupWaitsThenNotifiesEveryIntervalAndLetsResolvedAlertsGoOnceTold() {
        Dispatcher d = new Dispatcher();
        Alert warn = Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.FIRING, Map.of("vg", "vg0"));
        assertEquals(new Dispatcher.Accepted(true, List.of()), accept(d, warn, 1, T));
        assertEquals(List.of(), d.due(T.plusSeconds(29)), "group_wait");
        List<Flush> first = d.due(T.plusSeconds(30));
        assertEquals(1, first.size());
        assertEquals("mail", first.get(0).receiver());
        assertEquals(
                Map.of("cluster", "pair-1", "alertname", "VgNearlyFull"),
                first.get(0).key().labels());
        assertEquals(Set.of(new RecordPosition(0, 1)), first.get(0).records());
        assertEquals(List.of(), d.due(T.plusSeconds(31)), "in flight");
        assertEquals(Set.of(new RecordPosition(0, 1)), d.done(first.get(0), true), "delivered: its record is done");
        Alert ended = Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.RESOLVED, Map.of("vg", "vg0"));
        assertTrue(accept(d, ended, 2, T.plusSeconds(60)).joined());
        assertEquals(List.of(), d.due(T.plusSeconds(329)), "group_interval");
        Flush second = d.due(T.plusSeconds(330)).get(0);
        assertEquals(List.of(ended), second.alerts());
        assertEquals(Set.of(), d.done(second, false), "not delivered: still to do");
        Flush third = d.due(T.plusSeconds(630)).get(0);
        assertEquals(Set.of(new RecordPosition(0, 2)), third.records(), "tried again with the same record");
        assertEquals(Set.of(new RecordPosition(0, 2)), d.done(third, true));
        assertEquals(0, d.groups(), "a group whose resolved alerts were told goes away");
    }

    @Test
    void aNewerStateOfAnAlertSupersedesTheRecordOfTheOlderOneEvenInFlight() {
        Dispatcher d = new Dispatcher();
        Alert warn = Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.FIRING, Map.of("vg", "vg0"));
        Alert ended = Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.RESOLVED, Map.of("vg", "vg0"));
        accept(d, warn, 1, T);
        assertEquals(
                List.of(new RecordPosition(0, 1)),
                accept(d, ended, 2, T.plusSeconds(1)).superseded(),
                "the resolve carries the firing's news: one notification, not two");
        Flush flush = d.due(T.plusSeconds(30)).get(0);
        assertEquals(List.of(ended), flush.alerts());
        Alert again = Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.FIRING, Map.of("vg", "vg0"));
        assertEquals(
                List.of(new RecordPosition(0, 2)),
                accept(d, again, 3, T.plusSeconds(31)).superseded());
        assertEquals(Set.of(), d.done(flush, true), "what the flush carried was done with when the newer record came");
        assertEquals(1, d.groups(), "the group still holds the alert firing again");
        Flush next = d.due(T.plusSeconds(330)).get(0);
        assertEquals(List.of(again), next.alerts());
        assertEquals(Set.of(new RecordPosition(0, 3)), next.records());
    }

    @Test
    void recordsReadAgainAfterATakeOverRebuildTheGroupWithoutWaitingForSettlement() {
        Dispatcher d = new Dispatcher();
        Alert warn = Alerts.of("VgNearlyFull", "node-a", "warning", AlertState.FIRING, Map.of("vg", "vg0"));
        assertEquals(new Dispatcher.Accepted(false, List.of()), d.accept(warn, routeOf(warn), Optional.empty(), T));
        Flush flush = d.due(T.plusSeconds(30)).get(0);
        assertEquals(List.of(warn), flush.alerts(), "the group is back, for the log to say whether it was told");
        assertEquals(Set.of(), flush.records());
        assertEquals(Set.of(), d.done(flush, true));
    }

    @Test
    void aCriticalAlertIsDueAtOnceWithAGroupWaitOfZero() {
        Dispatcher d = new Dispatcher();
        d.accept(
                Alerts.lost(AlertState.FIRING),
                routeOf(Alerts.lost(AlertState.FIRING)),
                Optional.of(new RecordPosition(3, 7)),
                T);
        List<Flush> due = d.due(T);
        assertEquals(1, due.size());
        assertEquals("pager", due.get(0).receiver());
        Alert pending = Alerts.of("X", "node-a", "warning", AlertState.PENDING, Map.of());
        assertFalse(accept(d, pending, 8, T).joined(), "pending alerts are nobody's business yet");
    }

    @Test
    void theLogDecidesWhatIsWorthTelling() {
        Duration repeat = Duration.ofHours(4);
        assertFalse(
                LogEntry.needsUpdate(Optional.empty(), Set.of(), Set.of("a"), true, repeat, T),
                "only resolved, never told");
        assertTrue(LogEntry.needsUpdate(Optional.empty(), Set.of("a"), Set.of(), true, repeat, T));
        LogEntry told = new LogEntry(Set.of("a"), Set.of(), T);
        assertFalse(
                LogEntry.needsUpdate(Optional.of(told), Set.of("a"), Set.of(), true, repeat, T.plusSeconds(60)),
                "nothing new");
        assertTrue(
                LogEntry.needsUpdate(Optional.of(told), Set.of("a", "b"), Set.of(), true, repeat, T.plusSeconds(60)),
                "b is new");
        assertTrue(
                LogEntry.needsUpdate(Optional.of(told), Set.of(), Set.of("a"), false, repeat, T.plusSeconds(60)),
                "all resolved");
        assertTrue(
                LogEntry.needsUpdate(Optional.of(told), Set.of("a"), Set.of(), true, repeat, T.plus(repeat)), "repeat");
        LogEntry twoTold = new LogEntry(Set.of("a", "b"), Set.of(), T);
        assertTrue(
                LogEntry.needsUpdate(Optional.of(twoTold), Set.of("a"), Set.of("b"), true, repeat, T.plusSeconds(60)),
                "b resolved");
        assertFalse(
                LogEntry.needsUpdate(Optional.of(twoTold), Set.of("a"), Set.of("b"), false, repeat, T.plusSeconds(60)),
                "b resolved, receiver not told of resolves");
    }
}
