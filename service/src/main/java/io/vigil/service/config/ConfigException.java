package io.vigil.service.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used; the message lists every problem found, one per line. */
public final class ConfigException extends Exception {
    private final String source;
    private final transient List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super(problems.stream().map(p -> p.describe(source)).collect(Collectors.joining("\n")));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
