package io.vigil.rules.engine;

import java.time.Instant;

/** When the engine last heard anything from a node its config expects (by the engine's clock, to the second). */
public record NodeHeard(String cluster, String node, Instant at) {}
