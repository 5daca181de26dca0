package io.vigil.rules.notify.dispatch;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alertmanager's dispatcher: alerts into aggregation groups by route and group labels, and each
 * group's timers: first notified {@code group_wait} after it forms (at once when that is 0), then
 * looked at every {@code group_interval}. A group keeps the newest state of each of its alerts;
 * resolved alerts leave it once a notification that carried them was delivered, and a group left
 * empty goes away. Single-threaded: the notifier's loop is its only caller.
 */
public final class Dispatcher {
    private final RouteTree tree;
    private final Map<GroupKey, Group> groups = new LinkedHashMap<>();

    private static final class Group {
        final GroupKey key;
        final RouteTree.Route route;
        final Map<String, Alert> alerts = new LinkedHashMap<>();
        final Set<RecordPosition> records = new HashSet<>();
        Instant nextFlush;
        boolean inFlight;

        Group(GroupKey key, RouteTree.Route route, Instant nextFlush) {
            this.key = key;
            this.route = route;
            this.nextFlush = nextFlush;
        }
    }

    public Dispatcher(RouteTree tree) {
        this.tree = tree;
    }

    /**
     * Takes in one alert record; false when it needs no notification (pending or inactive) and is
     * settled at once. A resolved alert joins its groups even when they have gone (after a restart):
     * the notification log decides whether anybody was told it fired, and so must hear it resolved.
     */
    public boolean accept(Alert alert, RecordPosition position, Instant now) {
        boolean notifiable = alert.state() == AlertState.FIRING || alert.state() == AlertState.RESOLVED;
        boolean joined = false;
        for (RouteTree.Route route : tree.match(alert.labels())) {
            GroupKey key = GroupKey.of(route, alert.labels());
            Group group = groups.get(key);
            if (!notifiable) {
                continue;
            }
            if (group == null) {
                group = new Group(key, route, now.plus(route.spec().groupWait()));
                groups.put(key, group);
            }
            group.alerts.put(alert.fingerprint(), alert);
            group.records.add(position);
            joined = true;
        }
        return joined;
    }

    /** The groups whose time has come and that are not being notified already; each is then in flight. */
    public List<Flush> due(Instant now) {
        List<Flush> due = new ArrayList<>();
        for (Group g : groups.values()) {
            if (!g.inFlight && !g.nextFlush.isAfter(now)) {
                g.inFlight = true;
                g.nextFlush = now.plus(g.route.spec().groupInterval());
                due.add(new Flush(g.route.spec().receiver(), g.key, List.copyOf(g.alerts.values()), Set.copyOf(g.records),
                        g.route.spec().repeatInterval()));
            }
        }
        return due;
    }

    /**
     * A flush ended. Delivered: the resolved alerts it carried leave the group (unless they changed
     * since), the records it covered are settled. Not delivered: the group is tried again at its
     * next turn, its records unsettled.
     */
    public void done(Flush flush, boolean delivered) {
        Group g = groups.get(flush.key());
        if (g == null) {
            return;
        }
        g.inFlight = false;
        if (!delivered) {
            return;
        }
        for (Alert sent : flush.alerts()) {
            if (sent.state() == AlertState.RESOLVED && sent.equals(g.alerts.get(sent.fingerprint()))) {
                g.alerts.remove(sent.fingerprint());
            }
        }
        g.records.removeAll(flush.records());
        if (g.alerts.isEmpty()) {
            groups.remove(g.key);
        }
    }

    /** Every record some group still has to notify. */
    public Set<RecordPosition> unsettled() {
        Set<RecordPosition> all = new HashSet<>();
        groups.values().forEach(g -> all.addAll(g.records));
        return all;
    }

    public int groups() {
        return groups.size();
    }

    public int alerts() {
        return groups.values().stream().mapToInt(g -> g.alerts.size()).sum();
    }

    /** When the next group is due, for the notifier's loop to sleep until. */
    public Instant nextDue(Instant orElse) {
        return groups.values().stream().filter(g -> !g.inFlight).map(g -> g.nextFlush).min(Instant::compareTo).orElse(orElse);
    }

}
