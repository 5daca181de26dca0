package io.vigil.collectors.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What a parser made of some tool output: the values it could read and the problems it met. */
public record ParseResult<T>(List<T> values, List<ParseProblem> problems) {
    public ParseResult {
        values = List.copyOf(values);
        problems = List.copyOf(problems);
    }

    public static <T> ParseResult<T> of(List<T> values) {
        return new ParseResult<>(values, List.of());
    }

    public static <T> ParseResult<T> failed(ParseProblem problem) {
        return new ParseResult<>(List.of(), List.of(problem));
    }

    public boolean clean() {
        return problems.isEmpty();
    }

    /** Every problem, for one log line: "virsh list:4: unknown domain state ...; virsh list:6: ...". */
    public String problemsText() {
        return problems.stream().map(ParseProblem::toString).collect(Collectors.joining("; "));
    }

    public <U> ParseResult<U> map(java.util.function.Function<T, U> f) {
        return new ParseResult<>(values.stream().map(f).toList(), problems);
    }

    /** Joins results of several parses, keeping values and problems in order. */
    public static <T> ParseResult<T> concat(List<ParseResult<? extends T>> parts) {
        List<T> values = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        for (ParseResult<? extends T> part : parts) {
            values.addAll(part.values());
            problems.addAll(part.problems());
        }
        return new ParseResult<>(values, problems);
    }
}
