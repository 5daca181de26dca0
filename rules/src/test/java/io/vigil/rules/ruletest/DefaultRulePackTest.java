package io.vigil.rules.ruletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The default rule pack in deploy/rules loads, and every one of its test files passes; every rule has a test. */
class DefaultRulePackTest {
    private static final Path PACK = Path.of("..", "deploy", "rules");

    @Test
    void everyTestFileOfTheDefaultPackPasses() throws Exception {
        List<Path> tests;
        try (Stream<Path> files = Files.list(PACK.resolve("tests"))) {
            tests = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(tests.isEmpty());
        StringWriter out = new StringWriter();
        boolean passed = RuleTestRunner.run(tests, new PrintWriter(out));
        assertTrue(passed, out.toString());
        assertFalse(out.toString().contains("FAIL"), out.toString());
    }

    @Test
    void everyRuleHasARunbookWhereItsLinkPoints() throws Exception {
        String runbooks = Files.readString(PACK.resolveSibling("runbooks.md"));
        List<String> headings = runbooks.lines()
                .filter(l -> l.startsWith("## "))
                .map(l -> l.substring(3).strip())
                .toList();
        for (var rule : RuleLoader.load(List.of(PACK)).all()) {
            assertTrue(headings.contains(rule.name()), "deploy/runbooks.md has no section '## " + rule.name() + "'");
            String link = rule.annotations().get("runbook_url").toString();
            assertTrue(
                    link.endsWith("#" + rule.name().toLowerCase(java.util.Locale.ROOT)),
                    rule.name() + " links to " + link);
        }
    }

    /** The failover's own pages are no rules, but a human paged by one needs its runbook as much. */
    @Test
    void everyPageOfTheFailoverHasARunbookWhereItsLinkPoints() throws Exception {
        String runbooks = Files.readString(PACK.resolveSibling("runbooks.md"));
        List<String> headings = runbooks.lines()
                .filter(l -> l.startsWith("## "))
                .map(l -> l.substring(3).strip())
                .toList();
        for (String page : io.vigil.rules.failover.SagaPages.NAMES) {
            assertTrue(headings.contains(page), "deploy/runbooks.md has no section '## " + page + "'");
            assertEquals(
                    "deploy/runbooks.md#" + page.toLowerCase(java.util.Locale.ROOT),
                    io.vigil.rules.failover.SagaPages.runbook(page));
        }
    }

    @Test
    void theJarCarriesTheWholePackAsDeployHasIt() throws Exception {
        List<String> files;
        try (Stream<Path> list = Files.list(PACK)) {
            files = list.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
        assertEquals(files, DefaultRulePack.FILES);
        assertEquals(
                RuleLoader.load(List.of(PACK)).size(), DefaultRulePack.load().size());
    }

    @Test
    void everyRuleOfThePackIsExercisedByItsTests() throws Exception {
        RuleSet pack = RuleLoader.load(List.of(PACK));
        String tests;
        try (Stream<Path> files = Files.list(PACK.resolve("tests"))) {
            tests = files.map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .collect(Collectors.joining("\n"));
        }
        Set<String> untested = pack.all().stream()
                .map(r -> r.name())
                .filter(name -> !tests.contains("alert: " + name + "\n"))
                .collect(Collectors.toSet());
        assertTrue(untested.isEmpty(), "rules without an expectation in deploy/rules/tests: " + untested);
    }
}
