package io.vigil.events;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One condition on an alert's labels, as Alertmanager writes it: {@code node="node-a"},
 * {@code severity=~"warning|critical"}, {@code resource!="r9"}. A label that is absent reads as
 * the empty string, so {@code team=""} matches alerts without a team. This record is the data;
 * the engine compiles regular expressions (RE2, so no pattern can run away) where it matches.
 */
public record LabelMatcher(String name, MatchOp op, String value) {
    private static final Pattern TEXT = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

    public LabelMatcher {
        AlertLabels.checkName("matcher", name);
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(value, "value");
    }

    /** Reads {@code name=value}, {@code name="value"}, {@code name!=...}, {@code name=~...}, {@code name!~...}. */
    public static LabelMatcher parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + Name.printable(String.valueOf(text))
                            + "' is not a matcher (write name=value, name!=value, name=~regex or name!~regex, e.g. node=\"node-a\")");
        }
        return new LabelMatcher(m.group(1), MatchOp.of(m.group(2)), unquote(m.group(3), text));
    }

    private static String unquote(String value, String text) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    out.append(value.charAt(++i));
                } else if (c == '"') {
                    throw new IllegalArgumentException(
                            "'" + Name.printable(text) + "': a quote inside a quoted value must be written \\\"");
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        if (value.startsWith("\"")) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "': the value's closing quote is missing");
        }
        return value;
    }

    /** Alertmanager's notation, the value always quoted: {@code node="node-a"}. */
    @Override
    public String toString() {
        return name + op.wire() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
