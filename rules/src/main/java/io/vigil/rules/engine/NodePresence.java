package io.vigil.rules.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine knows of a node's presence: when it last heard each kind of event from it (by
 * the engine's clock), whether the cluster config expects the node, and whether it ever spoke.
 */
public record NodePresence(Map<String, Instant> lastSeen, boolean expected, boolean everSeen) {
    public NodePresence {
        lastSeen = Map.copyOf(lastSeen);
    }

    static NodePresence expectedButUnheard() {
        return new NodePresence(Map.of(), true, false);
    }

    Optional<Instant> lastSeen(String kind) {
        return Optional.ofNullable(lastSeen.get(kind));
    }

    Optional<Instant> lastHeard() {
        return lastSeen.values().stream().max(Instant::compareTo);
    }

    NodePresence heard(String kind, Instant now) {
        Map<String, Instant> seen = new HashMap<>(lastSeen);
        seen.put(kind, now);
        return new NodePresence(seen, expected, true);
    }

    NodePresence withExpected(boolean expected) {
        return new NodePresence(lastSeen, expected, everSeen);
    }
}
