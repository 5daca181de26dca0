package io.vigil.rules.silence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegexCostTest {
    /**
     * The number of instructions RE2J compiled. RE2J does not say, so this reads its program
     * through reflection: the estimate's one promise is to be at least that, and this test is
     * what notices when a new RE2J compiles differently.
     */
    private static int compiledInstructions(String regex) throws ReflectiveOperationException {
        Pattern pattern = Pattern.compile("^(?:" + regex + ")$");
        Method re2 = Pattern.class.getDeclaredMethod("re2");
        re2.setAccessible(true);
        Object compiled = re2.invoke(pattern);
        Field prog = compiled.getClass().getDeclaredField("prog");
        prog.setAccessible(true);
        Object program = prog.get(compiled);
        Method numInst = program.getClass().getDeclaredMethod("numInst");
        numInst.setAccessible(true);
        return (int) numInst.invoke(program);
    }

    private static void assertNotBelowRe2j(String regex) throws ReflectiveOperationException {
        long estimate = RegexCost.of(regex).instructions();
        int actual;
        try {
            actual = compiledInstructions(regex);
        } catch (PatternSyntaxException e) {
            return;
        }
        assertTrue(estimate >= actual, regex + ": estimated " + estimate + ", RE2J compiled " + actual);
    }

    @Test
    void theEstimateIsNeverBelowWhatRe2jCompiles() throws Exception {
        for (String regex : List.of(
                "a",
                "node-(a|b)",
                "a{1000}",
                "(a{10}){100}",
                "((a{10}){10}){10}",
                "[0-9]{1,3}\\.[0-9]{1,3}",
                "(a*)*",
                "(a+)+",
                "x{0}",
                "(?:(?:a{1000}){0}){1000}",
                "\\Qab)c\\E{300}",
                "a{,5}",
                "a{01}",
                "(?i)k{10}",
                "\\pL{100}",
                "[]a]{100}",
                "[^]a]{10}b{10}",
                "[[:alpha:]]{100}",
                "(?P<n>a{10}){10}",
                "(?i:ab){100}",
                "a{0,1000}",
                "a{2,}",
                "a{0,}",
                "(?:ab|cd|ef){300}",
                "(?:(a)(b)(c)){300}",
                "(?:a|){500}",
                "()",
                "(?:)",
                "a|",
                "|",
                "^$",
                "\\b\\B\\A\\z",
                ".{1000}",
                "(?s).{1000}",
                "(?U)a*?b+?c??",
                "(?:a{2,}){400}",
                "\\x{41}{500}",
                "\\101{500}",
                "[\\x{41}-\\x{5a}]{500}",
                "(?:[a-z]+\\.){1,10}example\\.org",
                "(?:x{10,20}){50}",
                "(?:(?:ab){2,5}c?){100}")) {
            assertNotBelowRe2j(regex);
        }
    }

    @Test
    void theEstimateIsNeverBelowWhatRe2jCompilesForRandomExpressions() throws Exception {
        List<String> pieces = List.of(
                "a",
                "b",
                ".",
                "[a-c]",
                "[]x]",
                "[^a-z]",
                "[[:alpha:]x]",
                "\\d",
                "\\b",
                "\\pL",
                "\\x{41}",
                "\\Q(x\\E",
                "(",
                "(?:",
                "(?i:",
                "(?P<n>",
                "(?i)",
                "(?:a|)",
                ")",
                ")",
                ")",
                "|",
                "*",
                "+",
                "?",
                "*?",
                "+?",
                "??",
                "{2}",
                "{10}",
                "{0,3}",
                "{2,7}",
                "{3,}",
                "{0}",
                "{1}",
                "{0,1}",
                "{01}",
                "{",
                "}",
                "^",
                "$");
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder regex = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                regex.append(pieces.get(random.nextInt(pieces.size())));
            }
            RegexCost cost = RegexCost.of(regex.toString());
            if (!cost.strayParenthesis() && cost.excess().isEmpty()) {
                assertNotBelowRe2j(regex.toString());
            }
        }
    }

    @Test
    void countsMultiplyAsGoCountsThem() {
        assertEquals(1000, RegexCost.of("((a{10}){10}){10}").repetition());
        assertEquals(10_000_000, RegexCost.of("((a{100}){100}){1000}").repetition());
        assertEquals(1000, RegexCost.of("a{1000}b{1000}").repetition(), "side by side, not nested");
        assertEquals(1000, RegexCost.of("(?:(?:a{1000}){0}){1000}").repetition(), "a part repeated zero times is gone");
        assertEquals(1, RegexCost.of("(a*)+b?").repetition(), "*, + and ? are not counts");
        assertEquals(1, RegexCost.of("a{,5}x{y}").repetition(), "not counts: literal braces");
        assertEquals(1, RegexCost.of("[{100}]\\Q{100}\\E").repetition(), "inside a class or a quote");
        assertEquals(
                1_000_000_000_000L,
                RegexCost.of("(a{99999999999999}){99999999999999}").repetition(),
                "no overflow");
    }

    @Test
    void theTextIsReadAsRe2jReadsIt() {
        assertFalse(RegexCost.of("[)][^)]\\)\\Q)\\E(?i)(?P<x>a)").strayParenthesis());
        assertTrue(RegexCost.of("a)|(b").strayParenthesis());
        assertTrue(RegexCost.of("(?i)a[\u00e9]").foldsBeyondAscii().isPresent());
        assertTrue(RegexCost.of("(?i)a\\x{E9}").foldsBeyondAscii().isPresent());
        assertTrue(RegexCost.of("(?i)a[\\351]").foldsBeyondAscii().isPresent(), "octal");
        assertFalse(RegexCost.of("(?i)a[\\x{41}-\\x7a]\\pL[[:alpha:]]")
                .foldsBeyondAscii()
                .isPresent());
        assertFalse(RegexCost.of("a[\u00e9]").foldsBeyondAscii().isPresent(), "case kept: nothing to fold");
        // a deep text is read without recursion
        assertEquals(
                100_001,
                RegexCost.of("(".repeat(100_000) + "a" + ")".repeat(100_000)).depth());
    }

    @Test
    void aLongTextIsReadInOnePass() {
        // as long as the API takes (256 KB): no construct is searched for again and again
        for (String piece : List.of("[:", "\\p{", "(?P<", "\\x{", "{1,", "\\Q")) {
            String text = "[" + piece.repeat(250_000 / piece.length());
            assertTimeoutPreemptively(Duration.ofSeconds(1), () -> RegexCost.of(text), piece);
            assertTimeoutPreemptively(Duration.ofSeconds(1), () -> RegexCost.of(text.substring(1)), piece);
        }
    }
}
