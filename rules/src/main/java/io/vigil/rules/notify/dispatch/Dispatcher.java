package io.vigil.rules.notify.dispatch;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Alertmanager's dispatcher: alerts into aggregation groups by route and group labels, and each
 * group's timers: first notified {@code group_wait} after it forms (at once when that is 0), then
 * looked at every {@code group_interval}. A group keeps the newest state of each of its alerts and
 * the position on vigil.alerts of that newest record; a record a newer one replaces is done with
 * (the newer carries its news). Resolved alerts leave a group once a notification that carried
 * them was delivered, and a group left empty goes away. Single-threaded: the notifier's loop is
 * its only caller.
 */
public final class Dispatcher {
    private final Map<GroupKey, Group> groups = new LinkedHashMap<>();

    private static final class Group {
        final GroupKey key;
        final RouteTree.Route route;
        final Map<String, Alert> alerts = new LinkedHashMap<>();
        final Map<String, RecordPosition> records = new LinkedHashMap<>();
        Instant nextFlush;
        boolean inFlight;

        Group(GroupKey key, RouteTree.Route route, Instant nextFlush) {
            this.key = key;
            this.route = route;
            this.nextFlush = nextFlush;
        }
    }

    /** What came of taking a record into a route's group. */
    public record Accepted(boolean joined, List<RecordPosition> superseded) {}

    /**
     * Takes one alert record into {@code route}'s group. Pending and inactive alerts are nobody's
     * business yet and join nothing. A resolved alert joins its group even when the group has gone
     * (after a restart): the notification log decides whether anybody was told it fired, and so
     * must hear it resolved. {@code position} is empty for a record already settled (read again to
     * rebuild the groups after a take-over).
     */
    public Accepted accept(Alert alert, RouteTree.Route route, Optional<RecordPosition> position, Instant now) {
        if (alert.state() != AlertState.FIRING && alert.state() != AlertState.RESOLVED) {
            return new Accepted(false, List.of());
        }
        GroupKey key = GroupKey.of(route, alert.labels());
        Group group = groups.computeIfAbsent(
                key, k -> new Group(k, route, now.plus(route.spec().groupWait())));
        group.alerts.put(alert.fingerprint(), alert);
        List<RecordPosition> superseded = new ArrayList<>();
        RecordPosition older = position.isPresent()
                ? group.records.put(alert.fingerprint(), position.get())
                : group.records.remove(alert.fingerprint());
        if (older != null) {
            superseded.add(older);
        }
        return new Accepted(position.isPresent(), superseded);
    }

    /** The groups whose time has come and that are not being notified already; each is then in flight. */
    public List<Flush> due(Instant now) {
        List<Flush> due = new ArrayList<>();
        for (Group g : groups.values()) {
            if (!g.inFlight && !g.nextFlush.isAfter(now)) {
                g.inFlight = true;
                g.nextFlush = now.plus(g.route.spec().groupInterval());
                due.add(new Flush(
                        g.route.spec().receiver(),
                        g.key,
                        List.copyOf(g.alerts.values()),
                        Set.copyOf(g.records.values()),
                        g.route.spec().repeatInterval()));
            }
        }
        return due;
    }

    /**
     * A flush ended. Delivered: the resolved alerts it carried leave the group (unless they changed
     * since), and the records it covered are done (returned, to be settled). Not delivered: the
     * group is tried again at its next turn, its records still waiting.
     */
    public Set<RecordPosition> done(Flush flush, boolean delivered) {
        Group g = groups.get(flush.key());
        if (g == null) {
            return Set.of();
        }
        g.inFlight = false;
        if (!delivered) {
            return Set.of();
        }
        for (Alert sent : flush.alerts()) {
            if (sent.state() == AlertState.RESOLVED && sent.equals(g.alerts.get(sent.fingerprint()))) {
                g.alerts.remove(sent.fingerprint());
            }
        }
        Set<RecordPosition> settled = new HashSet<>();
        g.records.entrySet().removeIf(e -> {
            if (flush.records().contains(e.getValue())) {
                settled.add(e.getValue());
                return true;
            }
            return false;
        });
        if (g.alerts.isEmpty() && g.records.isEmpty()) {
            groups.remove(g.key);
        }
        return settled;
    }

    public int groups() {
        return groups.size();
    }
}
