package io.vigil.rules.stream;

import io.vigil.events.Silence;
import io.vigil.events.WireCodec;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The global store's contents, as the silences topic put them there: the newest value of each id. */
final class SilenceTable implements ReadOnlyKeyValueStore<String, byte[]> {
    final TreeMap<String, byte[]> rows = new TreeMap<>();

    void put(Silence silence) {
        rows.put(silence.id(), WireCodec.encode(silence));
    }

    @Override
    public byte[] get(String key) {
        return rows.get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
        return iterator(rows.subMap(from, true, to, true));
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
        return iterator(rows);
    }

    @Override
    public long approximateNumEntries() {
        return rows.size();
    }

    private static KeyValueIterator<String, byte[]> iterator(Map<String, byte[]> map) {
        Iterator<Map.Entry<String, byte[]>> entries =
                List.copyOf(map.entrySet()).iterator();
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public KeyValue<String, byte[]> next() {
                Map.Entry<String, byte[]> e = entries.next();
                return KeyValue.pair(e.getKey(), e.getValue());
            }

            @Override
            public void close() {}

            @Override
            public String peekNextKey() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
