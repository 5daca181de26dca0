package io.vigil.rules.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table of the engine's state, keyed by text. In the engine each is a changelogged Kafka
 * Streams store, so a restarted or second instance resumes from it; {@code vigil rules test} runs
 * the same evaluator over plain maps.
 */
public interface StateTable<V> {
    Optional<V> get(String key);

    void put(String key, V value);

    void delete(String key);

    /** Every entry whose key starts with {@code prefix}, in key order; a copy, so the table may change while it is read. */
    List<Map.Entry<String, V>> withPrefix(String prefix);

    /** Every entry, in key order; a copy. */
    List<Map.Entry<String, V>> all();
}
