package io.vigil.rules.engine;

import io.vigil.events.AlertState;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The state a task holds of clusters whose telemetry goes to another partition: left behind when
 * the telemetry partition count grew and the engine's stores were grown with it instead of being
 * reset. Nothing updates it any more, and the task that now receives the cluster's records starts
 * it afresh: the cluster is held twice, its expected nodes reported silent here and its firing
 * alerts resent from here until the stores are reset.
 *
 * @param clusters cluster to what this task holds of it
 */
public record StrandedState(Map<String, Held> clusters) {
    /** What is held of one cluster: its nodes, its alert scopes, and how many alerts fire among them. */
    public record Held(int nodes, int scopes, int firing) {
        Held plus(Held other) {
            return new Held(nodes + other.nodes, scopes + other.scopes, firing + other.firing);
        }
    }

    public StrandedState {
        clusters = Map.copyOf(clusters);
    }

    /** What {@code tables} hold of the clusters {@code owns} says are not this task's. */
    public static StrandedState of(EngineTables tables, Predicate<String> owns) {
        Map<String, Held> held = new TreeMap<>();
        tables.presence().all().forEach(e -> {
            String cluster = ScopeKey.cluster(e.getKey());
            if (!owns.test(cluster)) {
                held.merge(cluster, new Held(1, 0, 0), Held::plus);
            }
        });
        tables.scopes().all().forEach(e -> {
            String cluster = ScopeKey.cluster(e.getKey());
            if (!owns.test(cluster)) {
                int firing = (int) e.getValue().alerts().stream()
                        .filter(a -> a.state() == AlertState.FIRING)
                        .count();
                held.merge(cluster, new Held(0, 1, firing), Held::plus);
            }
        });
        return new StrandedState(held);
    }
}
