package io.vigil.rules.cel;

import dev.cel.runtime.CelVariableResolver;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The variables one evaluation sees. For an event: {@code body} (the event's body), {@code prev}
 * (the previous body of the same thing from the same node, or this body when there is none, so
 * "grew since last time" reads false at first sight), {@code has_prev} (whether there was one),
 * {@code node}, {@code cluster}, {@code kind},
 * {@code labels} (the cluster's labels from the engine config) and, in rules with {@code each},
 * {@code it}. For a silence: {@code absent_for} (seconds) and {@code ever_seen}.
 */
public record Bindings(
        Object body,
        Supplier<Object> prev,
        boolean hasPrev,
        String node,
        String cluster,
        String kind,
        Map<String, String> labels,
        Object it,
        double absentFor,
        boolean everSeen)
        implements CelVariableResolver {

    /**
     * An event's variables; {@code prev} empty when no earlier body of the same thing is known,
     * otherwise asked for only when an expression reads it.
     */
    public static Bindings event(
            Object body,
            Optional<Supplier<Object>> prev,
            String node,
            String cluster,
            String kind,
            Map<String, String> labels) {
        return new Bindings(
                body, prev.orElse(() -> body), prev.isPresent(), node, cluster, kind, labels, null, 0, true);
    }

    public static Bindings absence(
            String node, String cluster, String kind, Map<String, String> labels, double absentFor, boolean everSeen) {
        return new Bindings(null, null, false, node, cluster, kind, labels, null, absentFor, everSeen);
    }

    public Bindings withItem(Object item) {
        return new Bindings(body, prev, hasPrev, node, cluster, kind, labels, item, absentFor, everSeen);
    }

    @Override
    public Optional<Object> find(String name) {
        return Optional.ofNullable(
                switch (name) {
                    case "body" -> body;
                    case "prev" -> prev == null ? null : prev.get();
                    case "has_prev" -> hasPrev;
                    case "node" -> node;
                    case "cluster" -> cluster;
                    case "kind" -> kind;
                    case "labels" -> labels;
                    case "it" -> it;
                    case "absent_for" -> absentFor;
                    case "ever_seen" -> everSeen;
                    default -> null;
                });
    }
}
