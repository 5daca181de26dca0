package io.vigil.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * An enum whose constants are spelled on the wire exactly as the tool that reports them spells
 * them ("UpToDate", "StandAlone", "shut off"), so nothing downstream sees a raw string state.
 */
public interface WireEnum {
    String wire();

    /** Looks a tool's word up in an enum; empty when the word is not part of the vocabulary. */
    static <E extends Enum<E> & WireEnum> Optional<E> lookup(Class<E> type, String word) {
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.wire().equals(word))
                .findFirst();
    }

    /** Like {@link #lookup} but throws with the vocabulary's name and the unknown word. */
    static <E extends Enum<E> & WireEnum> E parse(Class<E> type, String word) {
        return lookup(type, word)
                .orElseThrow(() -> new IllegalArgumentException("'" + (word == null ? "null" : Name.printable(word))
                        + "' is not a " + type.getSimpleName() + " (one of "
                        + Arrays.stream(type.getEnumConstants())
                                .map(WireEnum::wire)
                                .toList() + ")"));
    }
}
