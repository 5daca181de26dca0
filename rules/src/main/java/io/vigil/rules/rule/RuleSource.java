package io.vigil.rules.rule;

/** Where a rule was written, for every message about it. */
public record RuleSource(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
