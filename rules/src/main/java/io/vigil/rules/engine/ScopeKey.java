package io.vigil.rules.engine;

import java.util.Map;

/**
 * Keys of the engine's tables. A scope is what one event speaks for: one node's view of one
 * thing of one kind (node-a's r0, node-a's /dev/sda), or one node's silence of one kind. Keys
 * begin with the cluster, then the node, so a cluster's or a node's entries are one prefix.
 * The separator cannot occur in a name (names are checked on the wire).
 */
final class ScopeKey {
    static final char SEPARATOR = '\u001f';

    private ScopeKey() {
    }

    static String ofEvent(String cluster, String node, String kind, Map<String, String> scopeLabels) {
        StringBuilder key = new StringBuilder(cluster).append(SEPARATOR).append(node).append(SEPARATOR).append(kind).append(SEPARATOR);
        scopeLabels.forEach((name, value) -> key.append(name).append('=').append(value).append(';'));
        return key.toString();
    }

    static String ofAbsence(String cluster, String node, String kind) {
        return cluster + SEPARATOR + node + SEPARATOR + "absent:" + kind + SEPARATOR;
    }

    static String node(String cluster, String node) {
        return cluster + SEPARATOR + node;
    }

    static String nodePrefix(String cluster, String node) {
        return cluster + SEPARATOR + node + SEPARATOR;
    }

    static String clusterPrefix(String cluster) {
        return cluster + SEPARATOR;
    }

    static boolean isAbsence(String key) {
        int kindStart = key.indexOf(SEPARATOR, key.indexOf(SEPARATOR) + 1) + 1;
        return key.startsWith("absent:", kindStart);
    }

    /** The cluster a key belongs to. */
    static String cluster(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }
}
