package io.vigil.rules.notify;

import io.vigil.rules.notify.dispatch.RecordPosition;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which records of vigil.alerts are done with, so that the notifier commits only what it has
 * delivered: each record counts the deliveries it still waits for; a partition's committable
 * offset is its lowest record still waiting, or the one after the last it read.
 */
final class Settlement {
    private final Map<Integer, TreeMap<Long, Integer>> waiting = new HashMap<>();
    private final Map<Integer, Long> next = new HashMap<>();

    /**
     * Where a partition's reading starts (its committed offset): records before it, read again
     * only to rebuild the groups, never move the commit back.
     */
    void startAt(int partition, long offset) {
        next.merge(partition, offset, Math::max);
    }

    /** A record was read; it waits for {@code deliveries} (0: done at once). */
    void read(RecordPosition p, int deliveries) {
        next.merge(p.partition(), p.offset() + 1, Math::max);
        if (deliveries > 0) {
            waiting.computeIfAbsent(p.partition(), k -> new TreeMap<>()).merge(p.offset(), deliveries, Integer::sum);
        }
    }

    /** One of the record's deliveries is done. */
    void settle(RecordPosition p) {
        TreeMap<Long, Integer> offsets = waiting.get(p.partition());
        if (offsets == null) {
            return;
        }
        offsets.computeIfPresent(p.offset(), (k, n) -> n > 1 ? n - 1 : null);
    }

    /** For each partition read from: the offset to commit. */
    Map<Integer, Long> committable() {
        Map<Integer, Long> out = new HashMap<>();
        next.forEach((partition, after) -> {
            TreeMap<Long, Integer> offsets = waiting.get(partition);
            out.put(partition, offsets == null || offsets.isEmpty() ? after : offsets.firstKey());
        });
        return out;
    }

    int waiting() {
        return waiting.values().stream().mapToInt(TreeMap::size).sum();
    }
}
