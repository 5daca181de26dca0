package io.vigil.collectors.parse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/** A tool's JSON output that is not JSON (truncated, interleaved with text): where, and the line itself. */
public final class JsonSyntaxProblem {
    private JsonSyntaxProblem() {}

    public static ParseProblem of(String source, String text, JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        int line = where == null ? 0 : Math.max(0, where.getLineNr());
        int column = where == null ? 0 : where.getColumnNr();
        String[] lines = text.split("\n", -1);
        String offending = line >= 1 && line <= lines.length ? lines[line - 1].strip() : "";
        return new ParseProblem(
                source,
                line,
                offending,
                "not valid JSON at line " + line + ", column " + column + ": " + e.getOriginalMessage());
    }
}
