package io.vigil.rules.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StagedTableTest {
    private final MapStateTable<String> under = new MapStateTable<>();
    private final StagedTable<String> staged = new StagedTable<>(under);

    @Test
    void writesAreReadBackAtOnceButReachTheTableUnderOnlyWhenApplied() {
        under.put("a/1", "old");
        under.put("a/2", "kept");
        under.put("b/1", "other");
        staged.put("a/1", "new");
        staged.delete("a/2");
        staged.put("a/3", "added");

        assertEquals(Optional.of("new"), staged.get("a/1"));
        assertEquals(Optional.empty(), staged.get("a/2"));
        assertEquals(List.of(Map.entry("a/1", "new"), Map.entry("a/3", "added")), staged.withPrefix("a/"));
        assertEquals(
                List.of(Map.entry("a/1", "new"), Map.entry("a/3", "added"), Map.entry("b/1", "other")), staged.all());
        assertEquals(
                List.of(Map.entry("a/1", "old"), Map.entry("a/2", "kept"), Map.entry("b/1", "other")),
                under.all(),
                "nothing yet");

        staged.apply();
        assertEquals(
                List.of(Map.entry("a/1", "new"), Map.entry("a/3", "added"), Map.entry("b/1", "other")), under.all());
    }

    @Test
    void discardedWritesNeverReachTheTableUnder() {
        under.put("a/1", "old");
        staged.put("a/1", "new");
        staged.delete("a/1");
        staged.discard();
        assertEquals(Optional.of("old"), staged.get("a/1"));
        staged.apply();
        assertEquals(List.of(Map.entry("a/1", "old")), under.all());
    }
}
