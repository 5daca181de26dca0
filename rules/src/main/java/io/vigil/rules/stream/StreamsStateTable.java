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

/** A {@link StateTable} in a Kafka Streams store: changelogged, so it survives the instance. */
final class StreamsStateTable<V> implements StateTable<V> {
    private final KeyValueStore<String, byte[]> store;
    private final TableCodec<V> codec;

    StreamsStateTable(KeyValueStore<String, byte[]> store, TableCodec<V> codec) {
        this.store = store;
        this.codec = codec;
    }

    @Override
    public Optional<V> get(String key) {
        byte[] bytes = store.get(key);
        return bytes == null ? Optional.empty() : Optional.of(decode(key, bytes));
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
            entries.add(Map.entry(kv.key, decode(kv.key, kv.value)));
        }
        return entries;
    }

    private V decode(String key, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (DecodeException e) {
            // the engine wrote it: a value it cannot read is a bug or a downgrade, not bad input
            throw new IllegalStateException("store " + store.name() + " holds an unreadable " + codec.describe() + " at "
                    + key.replace('\u001f', '/') + ": " + e.getMessage() + " (was it written by a newer engine?)", e);
        }
    }
}
