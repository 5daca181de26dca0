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
    private static final String LIMIT = "limit:";

    private ScopeKey() {}

    static String ofEvent(String cluster, String node, String kind, Map<String, String> scopeLabels) {
        StringBuilder key = new StringBuilder(cluster)
                .append(SEPARATOR)
                .append(node)
                .append(SEPARATOR)
                .append(kind)
                .append(SEPARATOR);
        scopeLabels.forEach(
                (name, value) -> key.append(name).append('=').append(value).append(';'));
        return key.toString();
    }

    static String ofAbsence(String cluster, String node, String kind) {
        return cluster + SEPARATOR + node + SEPARATOR + "absent:" + kind + SEPARATOR;
    }

    /** Where Vigil's alert about a cluster's limit lives: the cluster's, of no node (a node's name is never empty). */
    static String ofLimit(String cluster, String alertname) {
        return cluster + SEPARATOR + SEPARATOR + LIMIT + alertname + SEPARATOR;
    }

    static String node(String cluster, String node) {
        return cluster + SEPARATOR + node;
    }

    static String nodePrefix(String cluster, String node) {
        return cluster + SEPARATOR + node + SEPARATOR;
    }

    static boolean isAbsence(String key) {
        return key.startsWith("absent:", kindStart(key));
    }

    static boolean isLimit(String key) {
        return key.startsWith(LIMIT, kindStart(key));
    }

    private static int kindStart(String key) {
        return key.indexOf(SEPARATOR, key.indexOf(SEPARATOR) + 1) + 1;
    }

    /** The cluster a key belongs to. */
    static String cluster(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }
}
