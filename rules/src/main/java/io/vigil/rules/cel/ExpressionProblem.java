package io.vigil.rules.cel;

/** What CEL found wrong in an expression: the line and column within the expression (1-based), and its message. */
public record ExpressionProblem(int line, int column, String message) {}
