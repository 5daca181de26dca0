package io.vigil.rules.notify.dispatch;

import io.vigil.events.LabelMatcher;
import io.vigil.rules.silence.Matchers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The route tree at work, as Alertmanager walks it: from the root, an alert goes down the first
 * child that matches it, and on to later siblings only while the matched child says
 * {@code continue}; the deepest routes that take it are where it is grouped and notified, and the
 * route itself when no child takes it.
 */
public final class RouteTree {
    /** A route with the key that names it in group keys: its matchers from the root down. */
    public record Route(String key, RouteSpec spec) {}

    private final Node root;

    private record Node(Route route, List<Node> children) {}

    public RouteTree(RouteSpec root) {
        this.root = build(root, "{}");
    }

    private static Node build(RouteSpec spec, String key) {
        List<Node> children = new ArrayList<>();
        for (int i = 0; i < spec.routes().size(); i++) {
            RouteSpec child = spec.routes().get(i);
            String childKey = key + "/"
                    + child.matchers().stream().map(LabelMatcher::toString).collect(Collectors.joining(",", "{", "}"))
                    + "/" + i;
            children.add(build(child, childKey));
        }
        return new Node(new Route(key, spec), children);
    }

    /** The routes that take an alert with these labels. */
    public List<Route> match(Map<String, String> labels) {
        return match(root, labels);
    }

    private static List<Route> match(Node node, Map<String, String> labels) {
        if (!Matchers.all(node.route().spec().matchers(), labels)) {
            return List.of();
        }
        List<Route> all = new ArrayList<>();
        for (Node child : node.children()) {
            List<Route> matched = match(child, labels);
            all.addAll(matched);
            if (!matched.isEmpty() && !child.route().spec().continueMatching()) {
                break;
            }
        }
        if (all.isEmpty()) {
            all.add(node.route());
        }
        return all;
    }
}
