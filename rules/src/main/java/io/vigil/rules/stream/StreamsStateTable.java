package io.vigil.rules.stream;

import io.vigil.events.DecodeException;
import io.vigil.rules.engine.StateTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A {@link StateTable} in a Kafka Streams store: changelogged, so it survives the instance. A value
 * it cannot read is not there for its readers: it is handed to {@link UnreadableValues}.
 */
final class StreamsStateTable<V> implements StateTable<V> {
    private final KeyValueStore<String, byte[]> store;
    private final TableCodec<V> codec;
    private final UnreadableValues unreadable;

    StreamsStateTable(KeyValueStore<String, byte[]> store, TableCodec<V> codec, UnreadableValues unreadable) {
        this.store = store;
        this.codec = codec;
        this.unreadable = unreadable;
    }

    @Override
    public Optional<V> get(String key) {
        byte[] bytes = store.get(key);
        return bytes == null ? Optional.empty() : decode(key, bytes);
    }

    @Override
    public void put(String key, V value) {
        store.put(key, codec.encode(value));
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }

    @Override
    public List<Map.Entry<String, V>> withPrefix(String prefix) {
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
            return collect(it);
        }
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            return collect(it);
        }
    }

    private List<Map.Entry<String, V>> collect(KeyValueIterator<String, byte[]> it) {
        List<Map.Entry<String, V>> entries = new ArrayList<>();
        while (it.hasNext()) {
            KeyValue<String, byte[]> kv = it.next();
            decode(kv.key, kv.value).ifPresent(v -> entries.add(Map.entry(kv.key, v)));
        }
        return entries;
    }

    private Optional<V> decode(String key, byte[] bytes) {
        try {
            return Optional.of(codec.decode(bytes));
        } catch (DecodeException e) {
            // the engine wrote it: a value it cannot read is a bug or a downgrade, and costs that value alone
            unreadable.found(store, key, bytes, codec.describe(), e.getMessage());
            return Optional.empty();
        }
    }
}
