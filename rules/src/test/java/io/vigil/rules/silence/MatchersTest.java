package io.vigil.rules.silence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.LabelMatcher;
import io.vigil.events.MatchOp;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a regular expression may cost before the engine compiles it, and the bounded memory of compiled ones. */
class MatchersTest {
    private static LabelMatcher regex(String label, String value) {
        return new LabelMatcher(label, MatchOp.REGEX, value);
    }

    private static String refused(LabelMatcher matcher) {
        // a refusal is immediate: the check reads the text before RE2J compiles anything
        return assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(IllegalArgumentException.class, () -> Matchers.check(matcher))
                        .getMessage());
    }

    /** Runs {@code work} on a thread with the JVM's default stack (1 MB), as the engine's threads have; JUnit's main thread has 8. */
    private static <T> T onDefaultStack(java.util.concurrent.Callable<T> work) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(
                null,
                () -> {
                    try {
                        result.set(work.call());
                    } catch (Throwable e) {
                        result.set(e);
                    }
                },
                "matcher-test",
                1 << 20);
        t.start();
        t.join(30_000);
        if (result.get() instanceof Throwable e) {
            throw new AssertionError("threw " + e, e);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result.get();
        return value;
    }

    @Test
    void aChainOfCapturesThatOverflowsTheStackWhenRunIsRefusedNotRun() throws Exception {
        // within every size limit, yet RE2J recurses once per capture when it runs it
        String why = onDefaultStack(() -> refused(regex("cluster", "(()){1000}")));
        assertTrue(why.contains("too long a chain of empty groups or captures"), why);
    }

    @Test
    void anExpressionThatOverflowsTheStackOfTheThreadMatchingItMatchesNothingEitherWayAndTheThreadLives()
            throws Exception {
        LabelMatcher chain = regex("node", "(()){200}");
        LabelMatcher notChain = new LabelMatcher("node", MatchOp.NOT_REGEX, "(()){200}");
        onDefaultStack(() -> Matchers.check(chain)); // runs on a default stack: accepted and cached
        // a thread with a smaller stack than the check's overflows where the check did not
        AtomicReference<Object> result = new AtomicReference<>();
        Thread small = new Thread(
                null,
                () -> {
                    try {
                        result.set(java.util.List.of(
                                Matchers.matches(chain, Map.of("node", "")),
                                Matchers.matches(notChain, Map.of("node", ""))));
                    } catch (Throwable e) {
                        result.set(e);
                    }
                },
                "small-stack",
                48 * 1024);
        small.start();
        small.join(30_000);
        assertEquals(java.util.List.of(false, false), result.get(), "neither matches, nothing thrown");
    }

    @Test
    void theNinetyByteMatcherThatExhaustedTheHeapIsRefusedNamingTheMatcherTheLabelAndTheLimit() {
        assertEquals(
                "node=~\"((a{100}){100}){1000}\": the regular expression for label node repeats a part 10000000 times"
                        + " (its nested counts multiplied); the limit is 1000, as in Alertmanager (use fewer or smaller counts)",
                refused(regex("node", "((a{100}){100}){1000}")));
        assertTrue(
                refused(regex("node", "((a{100}){100}){100}")).contains("repeats a part 1000000 times"),
                "each of these kept 83 MB compiled");
        assertTrue(
                refused(new LabelMatcher("device", MatchOp.NOT_REGEX, "(?:x{2}){501}"))
                        .startsWith(
                                "device!~\"(?:x{2}){501}\": the regular expression for label device repeats a part 1002 times"));
    }

    @Test
    void nestedCountsUpToAThousandCopiesAreAcceptedAndMatch() {
        LabelMatcher thousand = Matchers.check(regex("node", "((a{10}){10}){10}"));
        assertTrue(Matchers.matches(thousand, Map.of("node", "a".repeat(1000))));
        assertFalse(Matchers.matches(thousand, Map.of("node", "a".repeat(999))));
        Matchers.check(regex("node", "a{1000}|b{0,1000}"));
        Matchers.check(regex("node", "(?:(?:a{1000}){0}){1000}"));
    }

    @Test
    void aProgramJustUnderTheSizeLimitCompilesAndOneJustOverIsRefused() {
        // 9 instructions repeated 1000 times, plus the anchors: 9005 of the 10000
        LabelMatcher under = Matchers.check(regex("resource", "(?:abcdefghi){1000}"));
        assertTrue(Matchers.matches(under, Map.of("resource", "abcdefghi".repeat(1000))));
        assertEquals(
                "resource=~\"(?:abcdefghij){1000}\": the regular expression for label resource compiles to about 10005"
                        + " instructions; the limit is 10000 (shorten it, or repeat less)",
                refused(regex("resource", "(?:abcdefghij){1000}")));
        // each Unicode class carries a table of some 4 KB: 250 of them are too many
        assertTrue(refused(regex("x", "\\pL".repeat(250))).contains("compiles to about"));
        Matchers.check(regex("x", "\\pL".repeat(100)));
    }

    @Test
    void nestingTooDeepForAThreadStackIsRefused() {
        String deep = refused(regex("x", "(".repeat(5000) + "a" + ")".repeat(5000)));
        assertTrue(deep.startsWith("x=~\"((((("), deep);
        assertTrue(
                deep.contains(" levels deep once its counts are expanded; the limit is 2500 (nest fewer groups"), deep);
        assertTrue(refused(regex("x", "(a|".repeat(900) + ")+".repeat(900))).contains("nests about"));
        // the nested optional copies of a{0,1000} are about 2000 levels; RE2J compiles them recursively
        Matchers.check(regex("x", "a{0,1000}"));
    }

    @Test
    void aCompileThatOverflowsAThreadsSmallStackIsRefusedNotThrownAsAnError() throws Exception {
        Matchers.check(regex("x", "warm"));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread small = new Thread(
                null,
                () -> {
                    try {
                        Matchers.check(regex("x", "b{0,999}c"));
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                },
                "small-stack",
                128 * 1024);
        small.start();
        small.join(10_000);
        assertTrue(thrown.get() instanceof IllegalArgumentException, String.valueOf(thrown.get()));
        assertTrue(thrown.get()
                .getMessage()
                .endsWith("nests too deeply to compile here (nest fewer groups, or use smaller counts)"));
    }

    @Test
    void caseInsensitiveMatchingOfLettersBeyondAsciiIsRefusedForRe2jLoopsForeverOnSome() {
        // RE2J 1.8 folds U+1C80 (a Cyrillic small ve) with java.lang.Character's newer tables and never returns
        assertEquals(
                "x=~\"(?i)\\\\x{1C80}\": the regular expression for label x ignores case ((?i)) for U+1C80, beyond ASCII;"
                        + " the regex library cannot fold such letters safely: spell the cases out instead, e.g. [Aa]",
                refused(regex("x", "(?i)\\x{1C80}")));
        assertTrue(refused(regex("x", "(?i:node-[\u1C80-\u1C88])")).contains("U+1C80"));
        assertTrue(refused(regex("x", "a(?i)\\Q\u00e9\\E")).contains("U+00E9"));
        assertTrue(Matchers.matches(Matchers.check(regex("x", "(?i)node-[a-z]\\pL")), Map.of("x", "NODE-Bé")));
        assertTrue(
                Matchers.matches(Matchers.check(regex("x", "\u1C80+")), Map.of("x", "\u1C80\u1C80")),
                "case kept, no folding");
    }

    @Test
    void aParenthesisThatWouldCloseTheAnchoringGroupIsNotARegularExpression() {
        // compiled as ^(?:a)|(b)$ it would be something else than what it says
        assertTrue(refused(regex("x", "a)|(b")).contains("is not a regular expression"));
        assertTrue(refused(regex("x", "a{1000}){1000}(?:")).contains("is not a regular expression"));
        Matchers.check(regex("x", "[)]\\)\\Q)\\E"));
    }

    @Test
    void theCompiledPatternCacheStaysBoundedInCountAndSize() {
        for (int i = 0; i < 6_000; i++) {
            Matchers.check(regex("node", "node-" + i + "-(a|b)"));
        }
        assertTrue(Matchers.COMPILED.size() <= Matchers.CACHED_PATTERNS, "entries: " + Matchers.COMPILED.size());
        for (int i = 0; i < 300; i++) {
            Matchers.check(regex("node", "(?:n" + i + "){900}"));
        }
        assertTrue(
                Matchers.COMPILED.instructions() <= Matchers.CACHED_INSTRUCTIONS,
                "size: " + Matchers.COMPILED.instructions());
        assertTrue(
                Matchers.COMPILED.size() >= Matchers.CACHED_INSTRUCTIONS / RegexCost.MAX_INSTRUCTIONS,
                "the newest are kept: " + Matchers.COMPILED.size());
        assertTrue(Matchers.matches(regex("node", "(?:n299){900}"), Map.of("node", "n299".repeat(900))));
    }
}
