package io.vigil.rules.notify;

import java.util.Optional;
import java.util.function.Function;

/**
 * One kind of receiver as the config names it: the key of its section in a receiver's entry
 * ({@code webhook:}, {@code email:}, ...) and how that section is read. Each receiver's package
 * declares its own; the list of those the engine knows sits above the notifier, which is handed
 * it and never names one.
 */
public record ReceiverType(String key, Function<ReceiverSection, Optional<ReceiverSpec>> reader) {
    public ReceiverType {
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(reader, "reader");
    }

    /** Reads a receiver's section; empty when it has problems (recorded in the section, with their lines). */
    public Optional<ReceiverSpec> read(ReceiverSection section) {
        return reader.apply(section);
    }
}
