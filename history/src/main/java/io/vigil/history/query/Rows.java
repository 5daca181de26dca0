package io.vigil.history.query;

import java.util.List;

/**
 * A listing's rows, at most the limit asked; {@code truncated} when the range held more. A listing
 * is cut rather than refused because its size is only known once read, and the newest rows it
 * keeps are the ones an operator looks at first: the flag says to narrow the range for the rest.
 */
public record Rows<T>(List<T> rows, boolean truncated, int limit) {
    public Rows {
        rows = List.copyOf(rows);
    }
}
