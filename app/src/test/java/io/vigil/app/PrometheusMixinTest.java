package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.rules.rule.AbsenceRule;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.rule.Rule;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus, the monitoring mixin a Prometheus user copies: promtool and amtool pass every
 * file of it (a failure shows their own output), and its alerting rules are the default rule pack's.
 */
class PrometheusMixinTest {
    private static final Path MIXIN = Path.of("..", "deploy", "prometheus");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern BY = Pattern.compile("max by \\(([^)]*)\\)");

    @Test
    void promtoolAndAmtoolPassEveryFileOfTheMixin() throws Exception {
        List<PromtoolRun> failed = failedChecks(MIXIN);
        assertEquals(
                List.of(),
                failed,
                () -> failed.stream().map(PromtoolRun::toString).collect(Collectors.joining("\n")));
    }

    /** A copy with a rule that is not PromQL and a test that tells its story wrong: each check that reads them fails, saying why. */
    @Test
    void aBrokenCopyFailsWithPromtoolsOwnOutput(@TempDir Path copy) throws Exception {
        copyTree(MIXIN, copy);
        for (String fixture : List.of("prometheus.yml", "broken-alerts.yml", "tests/broken-story.yml")) {
            try (InputStream in = PrometheusMixinTest.class.getResourceAsStream("prometheus-broken/" + fixture)) {
                Files.write(copy.resolve(fixture), in.readAllBytes());
            }
        }
        List<PromtoolRun> failed = failedChecks(copy);
        assertEquals(
                List.of(
                        "promtool check config prometheus.yml",
                        "promtool check rules vigil-alerts.yml broken-alerts.yml",
                        "promtool test rules tests/broken-story.yml tests/disk.yml tests/drbd.yml tests/host.yml tests/lvm.yml tests/vm.yml"),
                failed.stream().map(PromtoolRun::command).toList(),
                () -> failed.toString());
        String checkRules = failed.get(1).output();
        assertTrue(
                checkRules.contains("broken-alerts.yml") && checkRules.contains("unclosed left parenthesis"),
                checkRules);
        String testRules = failed.get(2).output();
        assertTrue(
                testRules.contains("a story told wrong: node-a's disk paged before it failed")
                        && testRules.contains("alertname: DrbdLocalDiskLost, time: 0s"),
                testRules);
    }

    /**
     * Every rule of deploy/rules is an alert of vigil-alerts.yml with its severity, `for`,
     * keep_firing_for and labels (the `max by` list: cluster, node, the event's scope labels and
     * the rule's own), or vigil-alerts.yml says in a comment that it is not there; and there is no
     * alert the pack does not have.
     */
    @Test
    void everyRuleOfTheDefaultPackIsAnAlertWithItsSeverityForAndLabelsOrTheFileSaysWhyNot() throws Exception {
        String text = Files.readString(MIXIN.resolve("vigil-alerts.yml"));
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(text).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.put(rule.path("alert").asText(), rule);
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> pack = new TreeSet<>();
        for (Rule rule : DefaultRulePack.load().all()) {
            pack.add(rule.name());
            JsonNode alert = alerts.get(rule.name());
            if (alert == null) {
                if (!text.contains("# " + rule.name() + " is not here")) {
                    problems.add(
                            rule.name() + ": no alert, and no comment '# " + rule.name() + " is not here' saying why");
                }
                continue;
            }
            String severity = alert.path("labels").path("severity").asText();
            if (!severity.equals(rule.severity().wire())) {
                problems.add(rule.name() + ": severity " + severity + ", the pack's is "
                        + rule.severity().wire());
            }
            String expr = alert.path("expr").asText();
            if (rule instanceof AbsenceRule) {
                // an absence's `for` is how long the silence lasts: the expression measures it
                if (!expr.contains(">= " + rule.forDuration().toSeconds())) {
                    problems.add(rule.name() + ": the expression does not measure the pack's silence of "
                            + rule.forDuration().toSeconds() + " s");
                }
            } else if (!duration(alert.path("for")).equals(rule.forDuration())) {
                problems.add(
                        rule.name() + ": for " + duration(alert.path("for")) + ", the pack's is " + rule.forDuration());
            }
            if (!duration(alert.path("keep_firing_for")).equals(rule.keepFiringFor())) {
                problems.add(rule.name() + ": keep_firing_for " + duration(alert.path("keep_firing_for"))
                        + ", the pack's is " + rule.keepFiringFor());
            }
            Set<String> labels = new TreeSet<>(List.of("cluster", "node"));
            labels.addAll(rule.kind().subjectLabels());
            labels.addAll(rule.labels().keySet());
            Matcher by = BY.matcher(expr);
            Set<String> grouped = by.find()
                    ? Stream.of(by.group(1).split(","))
                            .map(String::strip)
                            .collect(Collectors.toCollection(TreeSet::new))
                    : Set.of();
            if (!grouped.equals(labels)) {
                problems.add(rule.name() + ": labelled " + grouped + " (its first 'max by'), the pack's alert has "
                        + labels);
            }
        }
        alerts.keySet().stream()
                .filter(name -> !pack.contains(name))
                .forEach(name -> problems.add(name + ": not a rule of the default pack"));
        assertEquals(List.of(), problems, () -> String.join("\n", problems));
    }

    /** The checks of a folder laid out as deploy/prometheus, those that failed with their output. */
    private static List<PromtoolRun> failedChecks(Path dir) throws IOException, InterruptedException {
        List<String> ruleFiles = new ArrayList<>();
        YAML.readTree(dir.resolve("prometheus.yml").toFile())
                .path("rule_files")
                .forEach(f -> ruleFiles.add(f.asText()));
        List<String> tests;
        try (Stream<Path> files = Files.list(dir.resolve("tests"))) {
            tests = files.map(p -> "tests/" + p.getFileName())
                    .filter(p -> p.endsWith(".yml"))
                    .sorted()
                    .toList();
        }
        List<PromtoolRun> runs = List.of(
                PromtoolRun.in(dir, "promtool", "check", "config", "prometheus.yml"),
                PromtoolRun.in(dir, "promtool", args("check", "rules", ruleFiles)),
                PromtoolRun.in(dir, "promtool", args("test", "rules", tests)),
                PromtoolRun.in(dir, "amtool", "check-config", "alertmanager.yml"));
        return runs.stream().filter(r -> !r.passed()).toList();
    }

    private static String[] args(String verb, String noun, List<String> files) {
        List<String> all = new ArrayList<>(List.of(verb, noun));
        all.addAll(files);
        return all.toArray(String[]::new);
    }

    private static Duration duration(JsonNode text) {
        return text.isMissingNode() ? Duration.ZERO : DurationText.parse(text.asText());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
