package io.vigil.rules.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedTableTest {
    /** A table that counts its reads, as a store counts its decodes. */
    private static final class CountingTable implements StateTable<String> {
        private final MapStateTable<String> map = new MapStateTable<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<String> get(String key) {
            reads.incrementAndGet();
            return map.get(key);
        }

        @Override
        public void put(String key, String value) {
            map.put(key, value);
        }

        @Override
        public void delete(String key) {
            map.delete(key);
        }

        @Override
        public List<Map.Entry<String, String>> withPrefix(String prefix) {
            reads.incrementAndGet();
            return map.withPrefix(prefix);
        }

        @Override
        public List<Map.Entry<String, String>> all() {
            reads.incrementAndGet();
            return map.all();
        }
    }

    @Test
    void readsComeFromMemoryAfterOneReadOfTheWholeAndWritesReachTheTableUnder() {
        CountingTable under = new CountingTable();
        under.put("a\u001fx", "1");
        CachedTable<String> cached = new CachedTable<>(under);
        assertEquals(1, under.reads.get(), "read whole once");
        cached.put("a\u001fy", "2");
        cached.put("b\u001fz", "3");
        cached.delete("a\u001fx");
        assertEquals(Optional.of("2"), cached.get("a\u001fy"));
        assertEquals(List.of(Map.entry("a\u001fy", "2")), cached.withPrefix("a\u001f"));
        assertEquals(List.of(Map.entry("a\u001fy", "2"), Map.entry("b\u001fz", "3")), cached.all());
        assertEquals(1, under.reads.get(), "nothing read from under it again");
        assertEquals(
                List.of(Map.entry("a\u001fy", "2"), Map.entry("b\u001fz", "3")),
                under.map.all(),
                "every write went through");
    }
}
