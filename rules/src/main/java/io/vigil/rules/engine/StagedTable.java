package io.vigil.rules.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A table whose writes wait: they are read back at once, but reach the table under it only when
 * {@link #apply} is called, and never if {@link #discard} is called instead. One evaluation step
 * writes through it, so its writes land with its records or not at all.
 */
final class StagedTable<V> implements StateTable<V> {
    private final StateTable<V> under;
    /** Key to its new value, or to empty where it is deleted; a step writes few, so they are not kept sorted. */
    private final HashMap<String, Optional<V>> writes = new HashMap<>();

    StagedTable(StateTable<V> under) {
        this.under = under;
    }

    @Override
    public Optional<V> get(String key) {
        Optional<V> written = writes.get(key);
        return written != null ? written : under.get(key);
    }

    @Override
    public void put(String key, V value) {
        writes.put(key, Optional.of(value));
    }

    @Override
    public void delete(String key) {
        writes.put(key, Optional.empty());
    }

    @Override
    public List<Map.Entry<String, V>> withPrefix(String prefix) {
        Map<String, Optional<V>> written = new HashMap<>();
        writes.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                written.put(key, value);
            }
        });
        return merged(under.withPrefix(prefix), written);
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        return merged(under.all(), writes);
    }

    /** The writes waiting, to the table under it. */
    void apply() {
        writes.forEach((key, value) -> value.ifPresentOrElse(v -> under.put(key, v), () -> under.delete(key)));
        writes.clear();
    }

    void discard() {
        writes.clear();
    }

    private List<Map.Entry<String, V>> merged(List<Map.Entry<String, V>> stored, Map<String, Optional<V>> written) {
        if (written.isEmpty()) {
            return stored;
        }
        TreeMap<String, V> all = new TreeMap<>();
        stored.forEach(e -> all.put(e.getKey(), e.getValue()));
        written.forEach((key, value) -> value.ifPresentOrElse(v -> all.put(key, v), () -> all.remove(key)));
        return new ArrayList<>(all.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList());
    }
}
