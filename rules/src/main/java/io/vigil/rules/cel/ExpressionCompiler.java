package io.vigil.rules.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.vigil.events.EventKind;
import io.vigil.service.config.ByteSize;
import java.util.List;

/**
 * Compiles the CEL of rules: parses, type-checks against the variables of the rule's context
 * (see {@link Bindings}) and the body types of {@link EventTypes}, and plans the program. A rule's
 * expressions are compiled once, when the rule file is loaded; nothing is compiled per event.
 *
 * <p>CEL cannot loop without bound or have side effects; comprehensions ({@code exists},
 * {@code all}, {@code map}, {@code filter}) are capped at {@link #MAX_ITERATIONS} steps.
 */
public final class ExpressionCompiler {
    static final int MAX_ITERATIONS = 10_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();
    private static final List<CelFunctionDecl> FUNCTIONS = List.of(
            CelFunctionDecl.newFunctionDeclaration(
                    "humanizeBytes",
                    CelOverloadDecl.newGlobalOverload("humanizeBytes_int", SimpleType.STRING, SimpleType.INT),
                    CelOverloadDecl.newGlobalOverload("humanizeBytes_double", SimpleType.STRING, SimpleType.DOUBLE)),
            CelFunctionDecl.newFunctionDeclaration(
                    "humanizeDuration",
                    CelOverloadDecl.newGlobalOverload("humanizeDuration_int", SimpleType.STRING, SimpleType.INT),
                    CelOverloadDecl.newGlobalOverload(
                            "humanizeDuration_double", SimpleType.STRING, SimpleType.DOUBLE)));
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addFunctionBindings(
                    CelFunctionBinding.from("humanizeBytes_int", Long.class, n -> ByteSize.human(n)),
                    CelFunctionBinding.from("humanizeBytes_double", Double.class, ByteSize::human),
                    CelFunctionBinding.from("humanizeDuration_int", Long.class, n -> Humanize.duration(n)),
                    CelFunctionBinding.from("humanizeDuration_double", Double.class, Humanize::duration))
            .build();

    private final CelCompiler compiler;

    private ExpressionCompiler(CelCompiler compiler) {
        this.compiler = compiler;
    }

    private static dev.cel.compiler.CelCompilerBuilder base() {
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setTypeProvider(EventTypes.get())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addFunctionDeclarations(FUNCTIONS)
                .addVar("node", SimpleType.STRING)
                .addVar("cluster", SimpleType.STRING)
                .addVar("kind", SimpleType.STRING)
                .addVar("labels", MapType.create(SimpleType.STRING, SimpleType.STRING));
    }

    /** For rules on events of {@code kind}: {@code body} and {@code prev} are that kind's body. */
    public static ExpressionCompiler forEvents(EventKind kind) {
        CelType body = EventTypes.get().body(kind);
        return new ExpressionCompiler(base().addVar("body", body)
                .addVar("prev", body)
                .addVar("has_prev", SimpleType.BOOL)
                .build());
    }

    /** For absence rules: {@code absent_for} (seconds of silence) and {@code ever_seen}. */
    public static ExpressionCompiler forAbsence() {
        return new ExpressionCompiler(base().addVar("absent_for", SimpleType.DOUBLE)
                .addVar("ever_seen", SimpleType.BOOL)
                .build());
    }

    /** The same context with {@code it}, the element a rule's {@code each} is at. */
    public ExpressionCompiler withItem(CelType itemType) {
        return new ExpressionCompiler(
                compiler.toCompilerBuilder().addVar("it", itemType).build());
    }

    /** An expression that must yield true or false. */
    public Expression condition(String text) throws ExpressionException {
        Expression e = compile(text);
        if (!e.resultType().equals(SimpleType.BOOL) && !e.resultType().equals(SimpleType.DYN)) {
            throw single("must be true or false, but gives " + e.resultType().name());
        }
        return e;
    }

    /** An expression that must yield a list; {@link #itemType} tells the type of its elements. */
    public Expression list(String text) throws ExpressionException {
        Expression e = compile(text);
        if (!(e.resultType() instanceof ListType)) {
            throw single("must give a list to go through, but gives "
                    + e.resultType().name());
        }
        return e;
    }

    public static CelType itemType(Expression list) {
        ListType type = (ListType) list.resultType();
        return type.hasElemType() ? type.elemType() : SimpleType.DYN;
    }

    /** An expression of any type (a template's part). */
    public Expression value(String text) throws ExpressionException {
        return compile(text);
    }

    private Expression compile(String text) throws ExpressionException {
        if (text == null || text.isBlank()) {
            throw single("is empty");
        }
        CelValidationResult result = compiler.compile(text);
        if (result.hasError()) {
            throw new ExpressionException(
                    result.getErrors().stream().map(ExpressionCompiler::problem).toList());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Expression(text, ast, RUNTIME.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw single(e.getMessage());
        }
    }

    private static ExpressionProblem problem(CelIssue issue) {
        int line = Math.max(issue.getSourceLocation().getLine(), 1);
        int column = Math.max(issue.getSourceLocation().getColumn(), 0) + 1;
        return new ExpressionProblem(line, column, issue.getMessage());
    }

    private static ExpressionException single(String message) {
        return new ExpressionException(List.of(new ExpressionProblem(1, 1, message)));
    }
}
