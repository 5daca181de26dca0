package io.vigil.rules.silence;

import com.google.re2j.Pattern;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Compiled regular expressions by their text, so that a matcher checked on every alert compiles
 * once. Bounded in number and in size together (instructions, as {@link RegexCost} counts them,
 * some 85 bytes each): the least recently used go first, so a stream of distinct expressions
 * costs compiling time, never memory without end.
 */
final class CompiledPatterns {
    private record Entry(Pattern pattern, long instructions) {}

    private final int maxEntries;
    private final long maxInstructions;
    // access order: iteration starts at the least recently used
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long instructions;

    CompiledPatterns(int maxEntries, long maxInstructions) {
        this.maxEntries = maxEntries;
        this.maxInstructions = maxInstructions;
    }

    synchronized Optional<Pattern> get(String regex) {
        Entry entry = entries.get(regex);
        return entry == null ? Optional.empty() : Optional.of(entry.pattern());
    }

    synchronized void put(String regex, Pattern pattern, long size) {
        Entry replaced = entries.put(regex, new Entry(pattern, size));
        instructions += size - (replaced == null ? 0 : replaced.instructions());
        Iterator<Entry> eldest = entries.values().iterator();
        while ((entries.size() > maxEntries || instructions > maxInstructions) && entries.size() > 1) {
            instructions -= eldest.next().instructions();
            eldest.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }

    /** The estimated size of all held, in instructions. */
    synchronized long instructions() {
        return instructions;
    }
}
