package io.vigil.lab.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vigil.lab.MetricCatalog;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dashboard in dashboards/ keeps every rule of {@link DashboardLint}; and each rule is shown
 * to catch what it is for: a fixture in dashboards-lint/ breaks that one rule of good.json, and the
 * lint names that rule, and only it.
 */
class DashboardLintTest {
    private static final Path CATALOG = Path.of("..", "docs", "metrics.md");

    private final List<DashboardFile> dashboards = DashboardFile.readAll(DashboardsGeneratedTest.FOLDER);
    private final DashboardLint lint;

    DashboardLintTest() throws IOException {
        lint = new DashboardLint(
                MetricCatalog.read(CATALOG),
                dashboards.stream().map(DashboardFile::uid).collect(Collectors.toSet()));
    }

    @Test
    void everyDashboardKeepsEveryRule() {
        assertEquals(
                6,
                dashboards.size(),
                "dashboards/ holds "
                        + dashboards.stream().map(DashboardFile::name).toList());
        List<DashboardLint.Problem> problems = lint.lint(dashboards);
        assertEquals(
                List.of(),
                problems,
                () -> problems.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void theFixturesBaseKeepsEveryRule() throws Exception {
        List<DashboardLint.Problem> problems = lint.lint(fixture("good"));
        assertEquals(
                List.of(),
                problems,
                () -> problems.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void eachRuleCatchesItsBadFixtureAndNoOtherRuleDoes(String rule) throws Exception {
        List<DashboardLint.Problem> problems = lint.lint(fixture(rule));
        assertFalse(problems.isEmpty(), rule + " found nothing wrong in its bad fixture");
        Set<String> rules =
                problems.stream().map(DashboardLint.Problem::rule).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(
                Set.of(rule),
                rules,
                () -> problems.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void twoDashboardsOfOneUidAreNamed() throws Exception {
        DashboardFile good = fixture("good");
        DashboardFile copy = new DashboardFile("copy-of-good.json", good.json());
        List<String> problems = lint.lint(List.of(good, copy)).stream()
                .filter(p -> !p.message().contains("not 'vigil-copy-of-good'"))
                .map(Object::toString)
                .toList();
        assertEquals(List.of("unique-ids-rule: copy-of-good.json: uid 'vigil-good' is also good.json's"), problems);
    }

    static Stream<String> rules() throws IOException {
        return new DashboardLint(MetricCatalog.read(CATALOG), Set.of()).ruleNames().stream();
    }

    private static DashboardFile fixture(String name) throws URISyntaxException {
        URL url = DashboardLintTest.class.getResource("/dashboards-lint/" + name + ".json");
        assertNotNull(url, "no fixture dashboards-lint/" + name + ".json in lab/src/test/resources");
        return DashboardFile.read(Path.of(url.toURI()));
    }
}
