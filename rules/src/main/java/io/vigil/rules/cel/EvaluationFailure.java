package io.vigil.rules.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import java.util.Optional;

/**
 * Why a rule could not be evaluated on an event, in words that say what to change in the rule:
 * the hint follows the failure (a missing field wants {@code has()}, an exhausted comprehension
 * a smaller list), so a rule's author is not sent after the wrong fix.
 */
public final class EvaluationFailure {
    private EvaluationFailure() {}

    /** The failure's message, with what to do about it when the failure says. */
    public static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return hint(e).map(h -> message + " (" + h + ")").orElse(message);
    }

    private static Optional<String> hint(Exception e) {
        if (!(e instanceof CelEvaluationException cel)) {
            return Optional.empty();
        }
        CelErrorCode code = cel.getErrorCode();
        if (code == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
            return Optional.of(
                    "its comprehensions (all, exists, map, filter) took more than " + ExpressionCompiler.MAX_ITERATIONS
                            + " steps on this event, nested ones multiplying: go through the outer list with each:, or test its size() first");
        }
        if (code == CelErrorCode.ATTRIBUTE_NOT_FOUND) {
            return Optional.of("guard optional fields with has()");
        }
        return Optional.empty();
    }
}
