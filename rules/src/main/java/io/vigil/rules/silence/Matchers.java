package io.vigil.rules.silence;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Name;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label matchers at work. Regular expressions are RE2 (linear time, so no pattern an operator
 * types can stall the engine) and match the whole value, as in Alertmanager; a label the alert
 * lacks reads as the empty string.
 */
public final class Matchers {
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 10_000;

    private Matchers() {
    }

    /** Throws IllegalArgumentException when the matcher's regular expression does not compile. */
    public static LabelMatcher check(LabelMatcher matcher) {
        if (matcher.op().isRegex()) {
            pattern(matcher.value());
        }
        return matcher;
    }

    public static boolean matches(LabelMatcher matcher, Map<String, String> labels) {
        String value = labels.getOrDefault(matcher.name(), "");
        return switch (matcher.op()) {
            case EQUAL -> value.equals(matcher.value());
            case NOT_EQUAL -> !value.equals(matcher.value());
            case REGEX -> pattern(matcher.value()).matches(value);
            case NOT_REGEX -> !pattern(matcher.value()).matches(value);
        };
    }

    /** Whether {@code matcher} matches an alert that lacks its label, which reads as the empty string. */
    public static boolean matchesEmpty(LabelMatcher matcher) {
        return matches(matcher, Map.of());
    }

    /** Every matcher matches. */
    public static boolean all(List<LabelMatcher> matchers, Map<String, String> labels) {
        for (LabelMatcher m : matchers) {
            if (!matches(m, labels)) {
                return false;
            }
        }
        return true;
    }

    private static Pattern pattern(String regex) {
        Pattern cached = COMPILED.get(regex);
        if (cached != null) {
            return cached;
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + Name.printable(regex) + "' is not a regular expression (RE2 syntax): "
                    + e.getDescription());
        }
        if (COMPILED.size() < MAX_CACHED) {
            COMPILED.put(regex, compiled);
        }
        return compiled;
    }
}
