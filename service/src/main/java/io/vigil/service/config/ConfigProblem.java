package io.vigil.service.config;

/**
 * One thing wrong in a config file: the line (1-based; 0 when the problem is something missing,
 * which has no line), the key path ("probes.smart.interval") and what is wrong, with the fix.
 */
public record ConfigProblem(int line, String path, String message) {
    /** "agent.yaml:7: probes.smart.interval: '10x' is not a duration (use 500ms, 10s, 1m)". */
    public String describe(String source) {
        String where = line > 0 ? source + ":" + line + ": " : source + ": ";
        return where + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
