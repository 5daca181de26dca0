package io.vigil.rules.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link StateTable} in a sorted map: for rule tests, which need no Kafka, and as the memory of a {@link CachedTable}. */
public final class MapStateTable<V> implements StateTable<V> {
    private final TreeMap<String, V> map = new TreeMap<>();

    @Override
    public Optional<V> get(String key) {
        return Optional.ofNullable(map.get(key));
    }

    @Override
    public void put(String key, V value) {
        map.put(key, value);
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public List<Map.Entry<String, V>> withPrefix(String prefix) {
        return new ArrayList<>(map.subMap(prefix, true, prefix + Character.MAX_VALUE, false).entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList());
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        return new ArrayList<>(map.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList());
    }
}
