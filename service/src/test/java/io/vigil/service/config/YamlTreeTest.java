package io.vigil.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.config.YamlTree.ScalarType;
import io.vigil.service.config.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTreeTest {
    private static Mapping read(String text, List<ConfigProblem> problems) throws Exception {
        return (Mapping) YamlTree.read(text, problems);
    }

    @Test
    void scalarsKeepTheTypeYamlGaveThem() throws Exception {
        Mapping m = read("a: 0\nb: \"0\"\nc: 1.5\nd: true\ne:\nf: text\n", new ArrayList<>());
        assertEquals(ScalarType.INTEGER, ((Scalar) m.entries().get("a").value()).type());
        assertEquals(ScalarType.TEXT, ((Scalar) m.entries().get("b").value()).type());
        assertEquals(ScalarType.DECIMAL, ((Scalar) m.entries().get("c").value()).type());
        assertEquals(ScalarType.BOOLEAN, ((Scalar) m.entries().get("d").value()).type());
        assertEquals(ScalarType.NULL, ((Scalar) m.entries().get("e").value()).type());
        assertEquals(ScalarType.TEXT, ((Scalar) m.entries().get("f").value()).type());
    }

    @Test
    void aliasesStandForTheirAnchorAndMergeKeysMergeUnderTheKeysGiven() throws Exception {
        Mapping m = read("""
                base: &b {x: 1, y: [1, 2]}
                same: *b
                changed:
                  <<: *b
                  x: 9
                """, new ArrayList<>());
        assertEquals(m.entries().get("base").value(), m.entries().get("same").value());
        Mapping changed = (Mapping) m.entries().get("changed").value();
        assertEquals("9", ((Scalar) changed.entries().get("x").value()).text(), "the key given beside the merge wins");
        assertEquals(2, ((Sequence) changed.entries().get("y").value()).items().size());
        assertTrue(!changed.entries().containsKey("<<"));
    }

    @Test
    void anAliasWithoutAnAnchorIsAnErrorWithItsLine() {
        YamlTree.SyntaxError e =
                assertThrows(YamlTree.SyntaxError.class, () -> read("a: 1\nb: *nowhere\n", new ArrayList<>()));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("alias *nowhere names no anchor"), e.getMessage());
    }

    @Test
    void refusesADocumentWhoseAliasesExpandToTooManyValuesNamingTheLine() {
        StringBuilder bomb = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level <= 9; level++) {
            String previous = "*l" + (level - 1);
            bomb.append("l")
                    .append(level)
                    .append(": &l")
                    .append(level)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, previous)))
                    .append("]\n");
        }
        assertTrue(bomb.length() < 600, "a few hundred bytes: " + bomb.length());
        YamlTree.SyntaxError e =
                assertThrows(YamlTree.SyntaxError.class, () -> read(bomb.toString(), new ArrayList<>()));
        assertEquals(5, e.line(), e.getMessage());
        assertTrue(
                e.getMessage().contains("more than 100000 values once its aliases are expanded (at line 5)"),
                e.getMessage());
    }

    @Test
    void aDocumentJustUnderTheLimitIsRead() throws Exception {
        // 1 map + 4 keys' lists: 10 + 100 + 1,000 + 10,000 values (and the lists themselves)
        StringBuilder text = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level <= 3; level++) {
            text.append("l")
                    .append(level)
                    .append(": &l")
                    .append(level)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (level - 1))))
                    .append("]\n");
        }
        assertEquals(4, read(text.toString(), new ArrayList<>()).entries().size());
    }

    @Test
    void aKeyGivenTwiceIsAProblemAtItsSecondLine() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        read("a: 1\nb: 2\na: 3\n", problems);
        assertEquals(List.of(new ConfigProblem(3, "a", "given twice (first on line 1)")), problems);
    }
}
