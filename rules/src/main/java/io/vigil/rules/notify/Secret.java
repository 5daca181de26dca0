package io.vigil.rules.notify;

import java.util.Objects;

/**
 * A credential read from a file or an environment variable, never from the config itself, and
 * never printed: {@link #toString()} names where it came from, not what it is.
 */
public final class Secret {
    private final String value;
    private final String source;

    public Secret(String value, String source) {
        this.value = Objects.requireNonNull(value, "value");
        this.source = Objects.requireNonNull(source, "source");
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "<secret from " + source + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value) && s.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }
}
