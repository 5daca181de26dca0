package io.vigil.rules.cel;

import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Text with CEL expressions in double braces, for annotations and label values:
 * {@code "{{node}} lost the disk under {{body.resource}} ({{humanizeBytes(it.sizeBytes)}})"}.
 * Each expression is checked when the rule loads; rendering turns its value into text (numbers
 * without a needless ".0", lists as [a, b]).
 */
public final class Template {
    private final String text;
    private final List<Object> parts;

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    public static Template compile(String text, ExpressionCompiler compiler) throws ExpressionException {
        List<Object> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf("{{", at);
            if (open < 0) {
                parts.add(text.substring(at));
                break;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new ExpressionException(List.of(new ExpressionProblem(
                        1, open + 1, "'{{' at column " + (open + 1) + " is never closed with '}}'")));
            }
            if (open > at) {
                parts.add(text.substring(at, open));
            }
            try {
                parts.add(compiler.value(text.substring(open + 2, close).strip()));
            } catch (ExpressionException e) {
                int offset = open + 2;
                throw new ExpressionException(e.problems().stream()
                        .map(p -> new ExpressionProblem(
                                p.line(),
                                p.column() + offset,
                                "in {{" + text.substring(offset, close).strip() + "}}: " + p.message()))
                        .toList());
            }
            at = close + 2;
        }
        return new Template(text, parts);
    }

    public String render(Bindings bindings) throws CelEvaluationException {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Expression e) {
                out.append(text(e.eval(bindings)));
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }

    public boolean readsPrev() {
        return parts.stream().anyMatch(p -> p instanceof Expression e && e.readsPrev());
    }

    /** Whether one of its expressions reads the variable {@code name}. */
    public boolean reads(String name) {
        return parts.stream().anyMatch(p -> p instanceof Expression e && e.reads(name));
    }

    static String text(Object value) {
        if (value instanceof Double d) {
            return Humanize.number(d);
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(text(item));
            }
            return "[" + String.join(", ", items) + "]";
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return text;
    }
}
