package io.vigil.rules.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table read from memory and written through to the table under it. The evaluator is the only
 * writer of its tables, so what it keeps in memory is what the store holds, decoded: a tick goes
 * through every scope without decoding each from its bytes again, and an event's scope is read
 * without decoding it. Read whole once, when an instance takes over; a task that fails is
 * created anew, with a new evaluator, and reads it again.
 */
final class CachedTable<V> implements StateTable<V> {
    private final StateTable<V> under;
    private final MapStateTable<V> cache = new MapStateTable<>();

    CachedTable(StateTable<V> under) {
        this.under = under;
        under.all().forEach(e -> cache.put(e.getKey(), e.getValue()));
    }

    @Override
    public Optional<V> get(String key) {
        return cache.get(key);
    }

    @Override
    public void put(String key, V value) {
        under.put(key, value);
        cache.put(key, value);
    }

    @Override
    public void delete(String key) {
        under.delete(key);
        cache.delete(key);
    }

    @Override
    public List<Map.Entry<String, V>> withPrefix(String prefix) {
        return cache.withPrefix(prefix);
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        return cache.all();
    }
}
