package io.vigil.rules.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Set;
import java.util.stream.Collectors;

/** A checked CEL expression, ready to run: its text, its result type, and the variables it reads. */
public final class Expression {
    private final String text;
    private final CelType resultType;
    private final CelRuntime.Program program;
    private final Set<String> reads;

    Expression(String text, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
        this.text = text;
        this.resultType = ast.getResultType();
        this.program = program;
        this.reads = ast.getReferenceMap().values().stream().map(r -> r.name()).collect(Collectors.toUnmodifiableSet());
    }

    public String text() {
        return text;
    }

    public CelType resultType() {
        return resultType;
    }

    /** Whether the expression reads {@code prev}: only then must the engine keep the previous body. */
    public boolean readsPrev() {
        return reads("prev") || reads("has_prev");
    }

    /** Whether the expression reads the variable {@code name} ({@code it}, {@code body}, ...). */
    public boolean reads(String name) {
        return reads.contains(name);
    }

    public Object eval(Bindings bindings) throws CelEvaluationException {
        return program.eval(bindings);
    }

    @Override
    public String toString() {
        return text;
    }
}
