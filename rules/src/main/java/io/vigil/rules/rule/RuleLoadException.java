package io.vigil.rules.rule;

import java.util.List;
import java.util.stream.Collectors;

/** Rule files that cannot be used; the message lists every problem, one per line. */
public final class RuleLoadException extends Exception {
    private final transient List<RuleProblem> problems;

    public RuleLoadException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::describe).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
