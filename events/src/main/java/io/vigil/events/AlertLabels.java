package io.vigil.events;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Alert labels: names as Prometheus allows them, values any text. An alert's identity is its
 * labels and nothing else, so the fingerprint is computed here, once, for everyone who reads
 * {@code vigil.alerts}.
 */
public final class AlertLabels {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final byte SEPARATOR = (byte) 0xff;

    private AlertLabels() {}

    /** The labels sorted by name and unmodifiable, after checking every name. */
    public static SortedMap<String, String> checked(String what, Map<String, String> labels) {
        SortedMap<String, String> sorted = new TreeMap<>();
        labels.forEach((name, value) -> {
            checkName(what, name);
            if (value == null) {
                throw new IllegalArgumentException(what + "." + name + ": must not be null");
            }
            sorted.put(name, value);
        });
        return Collections.unmodifiableSortedMap(sorted);
    }

    public static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + ": '" + (name == null ? "null" : Name.printable(name))
                    + "' is not a label name (letters, digits and _, not starting with a digit)");
        }
        return name;
    }

    /**
     * 16 hex digits: FNV-1a (64 bit) over each label's name and value in name order, each followed
     * by the byte 0xff, as Prometheus and Alertmanager compute a label set's signature. The same
     * labels always give the same fingerprint; annotations never enter it.
     */
    public static String fingerprint(Map<String, String> labels) {
        long hash = FNV_OFFSET;
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            hash = fnv(hash, label.getKey().getBytes(StandardCharsets.UTF_8));
            hash = fnv(hash, label.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return String.format("%016x", hash);
    }

    private static long fnv(long hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        hash ^= SEPARATOR & 0xff;
        return hash * FNV_PRIME;
    }
}
