package io.vigil.rules.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

/** A checked CEL expression, ready to run: its text, its result type, and the variables it reads. */
public final class Expression {
    private final String text;
    private final CelType resultType;
    private final CelRuntime.Program program;
    private final boolean readsPrev;

    Expression(String text, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
        this.text = text;
        this.resultType = ast.getResultType();
        this.program = program;
        this.readsPrev = ast.getReferenceMap().values().stream().anyMatch(r -> r.name().equals("prev") || r.name().equals("has_prev"));
    }

    public String text() {
        return text;
    }

    public CelType resultType() {
        return resultType;
    }

    /** Whether the expression reads {@code prev}: only then must the engine keep the previous body. */
    public boolean readsPrev() {
        return readsPrev;
    }

    public Object eval(Bindings bindings) throws CelEvaluationException {
        return program.eval(bindings);
    }

    @Override
    public String toString() {
        return text;
    }
}
