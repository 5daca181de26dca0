package io.vigil.collectors.parse;

import io.vigil.events.Name;

/**
 * Something a parser could not read: where (a 1-based line number, or 0 for the whole input),
 * the offending text, and why. The rest of the input is still parsed.
 */
public record ParseProblem(String source, int line, String text, String message) {
    @Override
    public String toString() {
        String where = line > 0 ? source + ":" + line : source;
        return text.isEmpty() ? where + ": " + message : where + ": " + message + ": " + Name.printable(text);
    }
}
