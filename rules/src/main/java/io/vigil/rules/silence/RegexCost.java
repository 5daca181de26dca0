package io.vigil.rules.silence;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What RE2J would build from a regular expression, read from its text before RE2J sees it. RE2J
 * 1.8 refuses a count above 1000 but not counts that multiply, so {@code ((a{100}){100}){1000}}
 * (90 bytes in a silence) expands into ten million instructions of some 85 bytes each, and the
 * heap is gone. Go's regexp, which Alertmanager uses, refuses such an expression; these are its
 * checks, with the limits RE2J needs:
 *
 * <ul>
 * <li>{@link #repetition()}: the largest product of nested counts ({@code {n}}, {@code {n,m}}),
 *     at most {@value #MAX_REPETITION}, Go's own rule ("invalid repeat count").</li>
 * <li>{@link #instructions()}: the size of the compiled program, counts expanded, plus some 48
 *     instructions' worth for each Unicode class table ({@code \pL}, about 4 KB), at most
 *     {@value #MAX_INSTRUCTIONS} (under 1 MB of heap; matching a 128-character value against a
 *     program that large takes about 2 ms at worst, measured).</li>
 * <li>{@link #depth()}: how deep the expanded expression nests, at most {@value #MAX_DEPTH}:
 *     RE2J simplifies and compiles recursively, and {@code a{0,1000}} is already 2000 nested
 *     optionals; a 1 MB thread stack (the JVM's default) holds about 3300 (measured).</li>
 * <li>{@link #foldsBeyondAscii()}: a case-insensitive {@code (?i)} expression may only fold ASCII:
 *     RE2J 1.8 folds a letter by walking its case orbit with tables older than the JDK's, and for
 *     U+1C80..U+1C88 (Cyrillic) the walk never ends; folding wide ranges also costs milliseconds
 *     each. Vigil's label values are ASCII names, so nothing useful is lost.</li>
 * </ul>
 *
 * The reading follows RE2J's syntax (escapes, classes, {@code \Q...\E}, flag groups) and errs on
 * the large side where it is not exact: whatever looks like a count is one, every group costs what
 * a capture costs, {@code (?i)} anywhere counts for the whole expression. It never recurses, so no
 * text can overflow its stack.
 */
record RegexCost(
        long instructions, long repetition, long depth, OptionalInt foldsBeyondAscii, boolean strayParenthesis) {
    static final long MAX_REPETITION = 1_000;
    static final long MAX_INSTRUCTIONS = 10_000;
    static final long MAX_DEPTH = 2_500;
    /** A Unicode class's table, in instructions: \pL holds some 600 ranges, about 4 KB (measured 3.4 KB). */
    static final long TABLE = 48;
    /** The anchors the engine adds around each expression, and the program's own fail and match. */
    private static final long FRAME = 4;
    /** Sums and products stop here, so that no text can overflow them. */
    private static final long CEILING = 1_000_000_000_000L;

    /** What is wrong with compiling it, said after "the regular expression for label X "; empty when nothing is. */
    Optional<String> excess() {
        if (foldsBeyondAscii.isPresent()) {
            return Optional.of(String.format(
                    "ignores case ((?i)) for U+%04X, beyond ASCII; the regex library cannot fold such letters"
                            + " safely: spell the cases out instead, e.g. [Aa]",
                    foldsBeyondAscii.getAsInt()));
        }
        if (repetition > MAX_REPETITION) {
            return Optional.of("repeats a part " + repetition + " times (its nested counts multiplied); the limit is "
                    + MAX_REPETITION + ", as in Alertmanager (use fewer or smaller counts)");
        }
        if (depth > MAX_DEPTH) {
            return Optional.of("nests about " + depth + " levels deep once its counts are expanded; the limit is "
                    + MAX_DEPTH + " (nest fewer groups, or use smaller counts)");
        }
        if (instructions > MAX_INSTRUCTIONS) {
            return Optional.of("compiles to about " + instructions + " instructions; the limit is " + MAX_INSTRUCTIONS
                    + " (shorten it, or repeat less)");
        }
        return Optional.empty();
    }

    static RegexCost of(String regex) {
        return new Reading(regex).read();
    }

    /** A part of the expression as compiled: its instructions, its depth, and the product of the counts inside it. */
    private record Part(long instructions, long depth, long repetition) {
        static final Part ATOM = new Part(1, 1, 1);
    }

    /** A group being read: the alternatives done, the concatenation under way, and its last part, which a repeat takes. */
    private static final class Group {
        final boolean capture;
        long altInstructions;
        long altDepth;
        long altRepetition = 1;
        int branches;
        long catInstructions;
        long catDepth;
        long catRepetition = 1;
        int items;
        Part last;

        Group(boolean capture) {
            this.capture = capture;
        }

        void add(Part part) {
            settleLast();
            last = part;
        }

        void settleLast() {
            if (last != null) {
                catInstructions = plus(catInstructions, last.instructions());
                catDepth = Math.max(catDepth, last.depth());
                catRepetition = Math.max(catRepetition, last.repetition());
                items++;
                last = null;
            }
        }

        void endBranch() {
            settleLast();
            altInstructions = plus(altInstructions, Math.max(catInstructions, 1));
            altDepth = Math.max(altDepth, items > 1 ? catDepth + 1 : Math.max(catDepth, 1));
            altRepetition = Math.max(altRepetition, catRepetition);
            branches++;
            catInstructions = 0;
            catDepth = 0;
            catRepetition = 1;
            items = 0;
        }

        /** The whole group as one part of its parent. */
        Part close(boolean asGroup) {
            endBranch();
            long instructions = plus(altInstructions, branches - 1);
            long depth = branches > 1 ? altDepth + 1 : altDepth;
            return asGroup
                    ? new Part(plus(instructions, capture ? 2 : 0), depth + 1, altRepetition)
                    : new Part(instructions, depth, altRepetition);
        }
    }

    /** One pass over the text, with an explicit stack of open groups. */
    private static final class Reading {
        private final String text;
        private final Deque<Group> open = new ArrayDeque<>();
        private Group group = new Group(false);
        private int at;
        private long tables;
        private long repetition = 1;
        private boolean ignoresCase;
        private int beyondAscii = -1;
        private boolean stray;
        private boolean noNamedClassEnd;

        Reading(String text) {
            this.text = text;
        }

        RegexCost read() {
            while (at < text.length()) {
                char c = text.charAt(at);
                switch (c) {
                    case '(' -> openGroup();
                    case ')' -> closeGroup();
                    case '|' -> {
                        group.endBranch();
                        at++;
                    }
                    case '*', '+', '?' -> {
                        if (group.last == null) {
                            literal(c, 1);
                        } else {
                            Part x = group.last;
                            // x* of an x that can match nothing compiles as (x+)?: two instructions
                            group.last =
                                    new Part(plus(x.instructions(), c == '*' ? 2 : 1), x.depth() + 2, x.repetition());
                            at++;
                            skipLazy();
                        }
                    }
                    case '{' -> count();
                    case '[' -> {
                        charClass();
                        group.add(Part.ATOM);
                    }
                    case '\\' -> escape();
                    default -> {
                        int cp = text.codePointAt(at);
                        literal(cp, Character.charCount(cp));
                    }
                }
            }
            while (!open.isEmpty()) {
                // RE2J refuses the missing parenthesis; the cost is still what the text holds
                Part inner = group.close(true);
                group = open.pop();
                group.add(inner);
            }
            Part root = group.close(false);
            long instructions = plus(plus(root.instructions(), FRAME), tables);
            return new RegexCost(
                    instructions,
                    Math.max(repetition, root.repetition()),
                    root.depth(),
                    ignoresCase && beyondAscii >= 0 ? OptionalInt.of(beyondAscii) : OptionalInt.empty(),
                    stray);
        }

        private void literal(int cp, int length) {
            noteCodePoint(cp);
            group.add(Part.ATOM);
            at += length;
        }

        private void noteCodePoint(int cp) {
            if (cp > 0x7f && beyondAscii < 0) {
                beyondAscii = cp;
            }
        }

        private void skipLazy() {
            if (at < text.length() && text.charAt(at) == '?') {
                at++;
            }
        }

        private void openGroup() {
            boolean capture = true;
            int next = at + 1;
            if (text.startsWith("?", next)) {
                int j = next + 1;
                if (text.startsWith("P<", j) || text.startsWith("<", j)) {
                    int end = text.indexOf('>', j);
                    next = end < 0 ? text.length() : end + 1;
                } else {
                    while (j < text.length() && "imsU-".indexOf(text.charAt(j)) >= 0) {
                        ignoresCase |= text.charAt(j) == 'i';
                        j++;
                    }
                    if (j < text.length() && text.charAt(j) == ')') {
                        // flags for the rest of the enclosing group: no group of its own
                        at = j + 1;
                        return;
                    }
                    if (j < text.length() && text.charAt(j) == ':') {
                        capture = false;
                        next = j + 1;
                    }
                    // anything else RE2J refuses; read on from the '?' as a plain group
                }
            }
            open.push(group);
            group = new Group(capture);
            at = next;
        }

        private void closeGroup() {
            if (open.isEmpty()) {
                // would close the anchoring group the engine puts around the expression
                stray = true;
                literal(')', 1);
                return;
            }
            Part inner = group.close(true);
            group = open.pop();
            group.add(inner);
            at++;
        }

        /** {n}, {n,} or {n,m} after a part; anything else is a literal brace, as in RE2J. */
        private void count() {
            int j = at + 1;
            int digits = j;
            while (j < text.length() && Character.isDigit(text.charAt(j)) && text.charAt(j) < 0x80) {
                j++;
            }
            if (!isNumber(digits, j) || group.last == null) {
                literal('{', 1);
                return;
            }
            long min = number(digits, j);
            long max = min;
            if (j < text.length() && text.charAt(j) == ',') {
                int from = ++j;
                while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
                    j++;
                }
                if (j > from && !isNumber(from, j)) {
                    literal('{', 1);
                    return;
                }
                max = j == from ? -1 : number(from, j);
            }
            if (j >= text.length() || text.charAt(j) != '}') {
                literal('{', 1);
                return;
            }
            at = j + 1;
            skipLazy();
            Part x = group.last;
            long instructions;
            long depth;
            if (max < 0) {
                // x{n,} is n copies, the last one looping (x{0,} is x*)
                instructions = plus(times(Math.max(min, 1), x.instructions()), 2);
                depth = x.depth() + 2;
            } else {
                // x{n,m} is n copies and then m-n optional ones, each nested in the one before
                long optional = Math.max(max - min, 0);
                instructions = plus(plus(times(Math.max(min, max), x.instructions()), optional), 1);
                depth = plus(x.depth(), times(2, optional)) + 2;
            }
            long copies = max >= 0 ? max : min;
            // as Go: a part repeated zero times is gone, whatever it held
            long product = copies == 0 ? 1 : times(copies, x.repetition());
            repetition = Math.max(repetition, product);
            group.last = new Part(instructions, depth, product);
        }

        /** Digits without a leading zero: RE2J reads {01} as text, as Go does. */
        private boolean isNumber(int from, int to) {
            return to > from && (to - from == 1 || text.charAt(from) != '0');
        }

        private long number(int from, int to) {
            // nine digits are already far past every limit
            return to - from > 9 ? CEILING : Long.parseLong(text.substring(from, to));
        }

        /** [...]: one instruction, whatever it holds; reads it to its end exactly as RE2J does. */
        private void charClass() {
            int j = at + 1;
            if (j < text.length() && text.charAt(j) == '^') {
                j++;
            }
            boolean first = true;
            while (j < text.length()) {
                char c = text.charAt(j);
                if (c == ']' && !first) {
                    at = j + 1;
                    return;
                }
                first = false;
                if (text.startsWith("[:", j) && !noNamedClassEnd) {
                    int end = text.indexOf(":]", j + 2);
                    if (end >= 0) {
                        j = end + 2;
                        continue;
                    }
                    // none further on: not searched for again, so that [[:[:[:... is read in one pass
                    noNamedClassEnd = true;
                }
                if (c == '\\') {
                    j = escapeAt(j);
                } else {
                    int cp = text.codePointAt(j);
                    noteCodePoint(cp);
                    j += Character.charCount(cp);
                }
            }
            at = text.length();
        }

        private void escape() {
            if (text.startsWith("\\Q", at)) {
                int end = text.indexOf("\\E", at + 2);
                int stop = end < 0 ? text.length() : end;
                at += 2;
                while (at < stop) {
                    int cp = text.codePointAt(at);
                    literal(cp, Character.charCount(cp));
                }
                at = end < 0 ? text.length() : end + 2;
                return;
            }
            at = escapeAt(at);
            group.add(Part.ATOM);
        }

        /** Reads the escape at {@code j} (a backslash), in a class or not; returns where it ends. */
        private int escapeAt(int j) {
            if (j + 1 >= text.length()) {
                return text.length();
            }
            char c = text.charAt(j + 1);
            if (c == 'p' || c == 'P') {
                tables = plus(tables, TABLE);
                if (text.startsWith("{", j + 2)) {
                    int end = text.indexOf('}', j + 3);
                    return end < 0 ? text.length() : end + 1;
                }
                return Math.min(
                        j + 2 + (j + 2 < text.length() ? Character.charCount(text.codePointAt(j + 2)) : 0),
                        text.length());
            }
            if (c == 'x') {
                int from = j + 2;
                int to;
                int end;
                if (text.startsWith("{", from)) {
                    from++;
                    to = text.indexOf('}', from);
                    end = to < 0 ? text.length() : to + 1;
                    to = to < 0 ? text.length() : to;
                } else {
                    to = Math.min(from + 2, text.length());
                    end = to;
                }
                noteCodePoint(hex(text.substring(from, to)));
                return end;
            }
            if (c >= '0' && c <= '7') {
                int to = j + 1;
                int value = 0;
                while (to < text.length() && to < j + 4 && text.charAt(to) >= '0' && text.charAt(to) <= '7') {
                    value = value * 8 + text.charAt(to) - '0';
                    to++;
                }
                noteCodePoint(value);
                return to;
            }
            int cp = text.codePointAt(j + 1);
            noteCodePoint(cp);
            return j + 1 + Character.charCount(cp);
        }

        private static int hex(String digits) {
            if (digits.isEmpty() || digits.length() > 8) {
                return digits.isEmpty() ? 0 : Integer.MAX_VALUE;
            }
            try {
                return (int) Math.min(Long.parseLong(digits, 16), Integer.MAX_VALUE);
            } catch (NumberFormatException e) {
                return 0; // RE2J refuses it
            }
        }
    }

    private static long plus(long a, long b) {
        return Math.min(a + b, CEILING);
    }

    private static long times(long a, long b) {
        return a != 0 && b > CEILING / a ? CEILING : Math.min(a * b, CEILING);
    }
}
