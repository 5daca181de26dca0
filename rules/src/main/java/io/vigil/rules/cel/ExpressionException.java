package io.vigil.rules.cel;

import java.util.List;
import java.util.stream.Collectors;

/** An expression that does not parse or does not type-check; every problem CEL found is listed. */
public final class ExpressionException extends Exception {
    private final transient List<ExpressionProblem> problems;

    public ExpressionException(List<ExpressionProblem> problems) {
        super(problems.stream()
                .map(p -> p.message() + " (column " + p.column() + ")")
                .collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<ExpressionProblem> problems() {
        return problems;
    }
}
