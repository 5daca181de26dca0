package io.vigil.rules.silence;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Name;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label matchers at work. Regular expressions are RE2 and match the whole value, as in
 * Alertmanager; a label the alert lacks reads as the empty string.
 *
 * <p>Every matcher that enters the engine (the silences API, the silences topic, rule files'
 * inhibitions, notification routes, rule tests) passes {@link #check}, which refuses, before RE2J
 * compiles anything, an expression whose program would be too large or too deep, or that would
 * send RE2J into an endless case fold: see {@link RegexCost} for the limits and why.
 *
 * <p>Matching needs no deadline: RE2J simulates the automaton over the input once, never
 * backtracks ({@code (a+)+$} against a long value is linear), so a match costs at most the program
 * size times the value's length, both bounded (about 2 ms at the size limit, measured).
 */
public final class Matchers {
    /** How many compiled expressions are kept, and how large they may be together (some 17 MB). */
    static final int CACHED_PATTERNS = 4_096;

    static final long CACHED_INSTRUCTIONS = 200_000;
    static final CompiledPatterns COMPILED = new CompiledPatterns(CACHED_PATTERNS, CACHED_INSTRUCTIONS);
    private static final Logger log = LoggerFactory.getLogger(Matchers.class);
    /** Expressions already logged as overflowing when run (each once; at most a thousand remembered). */
    private static final Set<String> UNRUNNABLE = ConcurrentHashMap.newKeySet();

    static {
        // load RE2J's classes (parser, Unicode tables, compiler) here, on a shallow stack, not first
        // inside a deep compile that might overflow it and leave a class unusable
        Pattern.compile("^(?:a|[b\\pL]{2}x*)$").matches("ab");
    }

    private Matchers() {}

    /** Throws IllegalArgumentException, naming the matcher and saying why, when its regular expression cannot be used. */
    public static LabelMatcher check(LabelMatcher matcher) {
        if (matcher.op().isRegex()) {
            compiled(matcher);
        }
        return matcher;
    }

    public static boolean matches(LabelMatcher matcher, Map<String, String> labels) {
        String value = labels.getOrDefault(matcher.name(), "");
        return switch (matcher.op()) {
            case EQUAL -> value.equals(matcher.value());
            case NOT_EQUAL -> !value.equals(matcher.value());
            // a regex that cannot be run matches nothing, either way: its silence mutes nothing, its route is not taken
            case REGEX -> run(matcher, value).orElse(false);
            case NOT_REGEX -> run(matcher, value).map(m -> !m).orElse(false);
        };
    }

    /**
     * The match, or empty when RE2J overflowed the stack running it. RE2J follows a chain of
     * empty steps (captures, empty groups) by recursion, so {@code (()){1000}} compiles within
     * the limits yet overflows a thread's stack when matched; {@link #compiled} refuses what the
     * empty value already overflows on, and this keeps the rest from ending the thread that matches.
     */
    private static Optional<Boolean> run(LabelMatcher matcher, String value) {
        Pattern pattern = compiled(matcher);
        try {
            return Optional.of(pattern.matches(value));
        } catch (StackOverflowError e) {
            if (UNRUNNABLE.size() < 1_000 && UNRUNNABLE.add(matcher.value())) {
                log.error(
                        "{}: the regular expression overflows the stack when matched against a value of {} characters; it matches"
                                + " nothing (a silence with it mutes nothing): replace it with a simpler one",
                        Name.printable(matcher.toString()),
                        value.length());
            }
            return Optional.empty();
        }
    }

    /**
     * Throws IllegalArgumentException, saying why, when {@code matchers} cannot make a silence: none
     * at all, or (as Alertmanager refuses) all matching the empty string, since those match alerts
     * lacking every label they name, which is every alert. Each silence that enters (the API, rule
     * tests) passes here.
     */
    public static List<LabelMatcher> checkSilence(List<LabelMatcher> matchers) {
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("give at least one, e.g. [\"node=node-a\"]");
        }
        if (matchers.stream().allMatch(Matchers::matchesEmpty)) {
            throw new IllegalArgumentException(String.join(
                            ", ", matchers.stream().map(LabelMatcher::toString).toList())
                    + " all match the empty string, so the silence would mute every alert; give at least one that does not"
                    + " (e.g. node=node-a or node=~\"node-.+\")");
        }
        return matchers;
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

    private static Pattern compiled(LabelMatcher matcher) {
        String regex = matcher.value();
        Optional<Pattern> cached = COMPILED.get(regex);
        if (cached.isPresent()) {
            return cached.get();
        }
        RegexCost cost = RegexCost.of(regex);
        if (cost.strayParenthesis()) {
            throw notARegex(regex, "unexpected )");
        }
        Optional<String> excess = cost.excess();
        if (excess.isPresent()) {
            throw refused(matcher, excess.get());
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw notARegex(regex, e.getDescription());
        } catch (StackOverflowError e) {
            // the depth limit fits the JVM's default stack; a thread started with less may still run out
            throw refused(matcher, "nests too deeply to compile here (nest fewer groups, or use smaller counts)");
        }
        try {
            compiled.matches("");
        } catch (StackOverflowError e) {
            throw refused(
                    matcher, "has too long a chain of empty groups or captures to run (use fewer, or (?:...) groups)");
        }
        COMPILED.put(regex, compiled, cost.instructions());
        return compiled;
    }

    private static IllegalArgumentException refused(LabelMatcher matcher, String why) {
        return new IllegalArgumentException(Name.printable(matcher.toString()) + ": the regular expression for label "
                + matcher.name() + " " + why);
    }

    private static IllegalArgumentException notARegex(String regex, String why) {
        return new IllegalArgumentException(
                "'" + Name.printable(regex) + "' is not a regular expression (RE2 syntax): " + why);
    }
}
