package io.vigil.rules.notify.dispatch;

import io.vigil.events.LabelMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A node of the route tree, as Alertmanager's: an alert goes down the first child whose matchers
 * it matches (and on to the next ones when that child says {@code continue}), and is notified by
 * the deepest route that takes it. Alerts are grouped by the {@code groupBy} labels ("..." for all
 * of them); a group is first notified {@code groupWait} after it forms, then at most every
 * {@code groupInterval} when it changes, and again every {@code repeatInterval} while it fires.
 * Children inherit what they do not set (resolved by the loader).
 */
public record RouteSpec(
        String receiver,
        List<LabelMatcher> matchers,
        List<String> groupBy,
        Duration groupWait,
        Duration groupInterval,
        Duration repeatInterval,
        boolean continueMatching,
        List<RouteSpec> routes) {
    public static final Duration GROUP_WAIT = Duration.ofSeconds(30);
    public static final Duration GROUP_INTERVAL = Duration.ofMinutes(5);
    public static final Duration REPEAT_INTERVAL = Duration.ofHours(4);

    public RouteSpec {
        Objects.requireNonNull(receiver, "receiver");
        matchers = List.copyOf(matchers);
        groupBy = List.copyOf(groupBy);
        routes = List.copyOf(routes);
    }

    /** Grouping by every label: each alert its own group. */
    public boolean groupsByAll() {
        return groupBy.contains("...");
    }
}
