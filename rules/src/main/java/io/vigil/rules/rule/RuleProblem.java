package io.vigil.rules.rule;

/** One thing wrong in a rule file: file, line (0 when unknown), where in the file, and what. */
public record RuleProblem(String file, int line, String path, String message) {
    /** {@code rules/disk.yaml:14: DiskTooHot.when: undefined field 'temp' (column 6)}. */
    public String describe() {
        return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
