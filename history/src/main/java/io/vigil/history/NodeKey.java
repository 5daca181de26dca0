package io.vigil.history;

import java.util.Objects;

/** One agent: the key of {@code ingest_marks}, whose seq decides what has been stored. */
public record NodeKey(String cluster, String node) {
    public NodeKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
    }
}
