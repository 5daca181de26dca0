package io.vigil.rules.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.AlertState;
import io.vigil.events.EventKind;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Name;
import io.vigil.events.WireEnum;
import io.vigil.rules.config.EngineConfigLoader;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.silence.Matchers;
import io.vigil.service.config.ConfigDocument;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.YamlTree.Entry;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.config.YamlTree.Sequence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rule test file, in the spirit of {@code promtool test rules}: the rule files under test,
 * and test cases of timed input events and the alerts expected at given times. The format is
 * documented in docs/rules.md ("Testing rules").
 */
record RuleTestFile(
        Path file,
        List<Path> ruleFiles,
        Duration interval,
        Duration absenceGrace,
        Roster roster,
        List<TestCase> tests) {

    /** One case: its events, silences, and what is expected when. */
    record TestCase(
            String name, int line, List<InputSeries> inputs, List<TestSilence> silences, List<Expectation> expect) {}

    /** Events of one kind from one node: one at {@code at}, or {@code times} of them {@code every} apart, some fields varying. */
    record InputSeries(
            int line,
            String cluster,
            String node,
            EventKind kind,
            Duration at,
            Duration every,
            int times,
            ObjectNode body,
            Map<String, List<Optional<JsonNode>>> values) {}

    record TestSilence(List<LabelMatcher> matchers, Duration from, Duration until) {}

    record Expectation(int line, Duration at, String alert, List<ExpectedAlert> alerts) {}

    /**
     * Labels given must be equal, labels not given are not compared; the same for annotations. A
     * label given empty is one the alert lacks, as Alertmanager reads an empty label.
     */
    record ExpectedAlert(
            Map<String, String> labels,
            AlertState state,
            Map<String, String> annotations,
            Optional<Boolean> flapping,
            Optional<Boolean> suppressed) {}

    static RuleTestFile parse(Path file, String text) throws ConfigException {
        ConfigDocument document = ConfigDocument.parse(file.toString(), text, "rule_files:, tests:");
        ConfigSection top = document.top();
        Path dir = file.toAbsolutePath().getParent();
        List<Path> ruleFiles = new ArrayList<>();
        for (Node n : top.list("rule_files")) {
            text(top, "rule_files", n)
                    .ifPresent(name -> ruleFiles.add(dir.resolve(name).normalize()));
        }
        if (ruleFiles.isEmpty()) {
            top.problem(
                    top.lineOf("rule_files"),
                    "rule_files",
                    "name the rule files under test, relative to this file (rule_files: [../disk.yaml])");
        }
        // a place for anchored bodies (&healthy) that inputs refer to (*healthy, or <<: *healthy)
        top.entry("bodies");
        Duration interval = top.positiveDuration("evaluation_interval", Duration.ofSeconds(1));
        Duration grace = top.duration("absence_grace", Duration.ZERO);
        Roster roster = EngineConfigLoader.roster(top.section("clusters"));
        String defaultCluster = roster.clusters().size() == 1
                ? roster.clusters().keySet().iterator().next()
                : "pair-1";
        List<TestCase> tests = new ArrayList<>();
        List<Node> testNodes = top.list("tests");
        for (int i = 0; i < testNodes.size(); i++) {
            mapping(top, "tests[" + i + "]", testNodes.get(i)).ifPresent(s -> tests.add(testCase(s, defaultCluster)));
        }
        if (testNodes.isEmpty()) {
            top.problem(
                    top.lineOf("tests"), "tests", "no test cases (tests: [{name: ..., input: [...], expect: [...]}])");
        }
        document.finish();
        return new RuleTestFile(file, ruleFiles, interval, grace, roster, tests);
    }

    private static TestCase testCase(ConfigSection s, String defaultCluster) {
        String name = s.optional("name", s.path(), text -> text);
        List<InputSeries> inputs = new ArrayList<>();
        List<Node> inputNodes = s.list("input");
        for (int i = 0; i < inputNodes.size(); i++) {
            mapping(s, s.path("input[" + i + "]"), inputNodes.get(i))
                    .flatMap(in -> input(in, defaultCluster))
                    .ifPresent(inputs::add);
        }
        List<TestSilence> silences = new ArrayList<>();
        List<Node> silenceNodes = s.list("silences");
        for (int i = 0; i < silenceNodes.size(); i++) {
            mapping(s, s.path("silences[" + i + "]"), silenceNodes.get(i)).ifPresent(in -> silences.add(silence(in)));
        }
        List<Expectation> expect = new ArrayList<>();
        List<Node> expectNodes = s.list("expect");
        for (int i = 0; i < expectNodes.size(); i++) {
            mapping(s, s.path("expect[" + i + "]"), expectNodes.get(i))
                    .flatMap(RuleTestFile::expectation)
                    .ifPresent(expect::add);
        }
        if (expectNodes.isEmpty()) {
            s.problem(
                    s.mapping().line(),
                    s.path("expect"),
                    "a test case expects something (expect: [{at: 1m, alert: ..., alerts: [...]}])");
        }
        s.rejectUnknownKeys();
        return new TestCase(name, s.mapping().line(), inputs, silences, expect);
    }

    private static Optional<InputSeries> input(ConfigSection in, String defaultCluster) {
        int before = in.problemsView().size();
        String cluster = in.optional("cluster", defaultCluster, ConfigSection.NAME);
        Optional<String> node = in.required("node", "the node that sends it, e.g. node-a", ConfigSection.NAME);
        Optional<EventKind> kind =
                in.required("kind", "heartbeat, drbd, disk, lvm, vm or action-result", EventKind::parse);
        Duration at = in.duration("at", Duration.ZERO);
        Duration every = in.positiveDuration("every", Duration.ofSeconds(10));
        Optional<Integer> times = in.read("times", RuleTestFile::count);
        Optional<ObjectNode> body = in.entry("body").flatMap(e -> {
            if (e.value() instanceof Mapping m) {
                return Optional.of((ObjectNode) YamlJson.of(m));
            }
            in.problem(
                    e.value().line(),
                    in.path("body"),
                    "expected the event's body as a map (its fields as the agent sends them)");
            return Optional.empty();
        });
        if (in.entry("body").isEmpty()) {
            in.problem(
                    in.mapping().line(),
                    in.path("body"),
                    "missing (the event's body, its fields as the agent sends them)");
        }
        Map<String, List<Optional<JsonNode>>> values = new LinkedHashMap<>();
        ConfigSection valueSection = in.section("values");
        for (Entry e : valueSection.mapping().entries().values()) {
            String path = valueSection.path(e.key());
            try {
                if (e.value() instanceof Sequence seq) {
                    values.put(
                            e.key(),
                            seq.items().stream()
                                    .map(n -> n instanceof Scalar sc
                                                    && sc.text().equals("_")
                                                    && sc.type() == io.vigil.service.config.YamlTree.ScalarType.TEXT
                                            ? Optional.<JsonNode>empty()
                                            : Optional.of(YamlJson.of(n)))
                                    .toList());
                } else if (e.value() instanceof Scalar sc && !sc.isNull()) {
                    values.put(e.key(), ValueSeries.parse(sc.text()));
                } else {
                    valueSection.problem(
                            e.value().line(),
                            path,
                            "expected a series (\"0+1x5\") or a list of values, not "
                                    + e.value().describe());
                }
            } catch (IllegalArgumentException ex) {
                valueSection.problem(e.value().line(), path, ex.getMessage());
            }
        }
        int length = values.values().stream().mapToInt(List::size).max().orElse(1);
        if (values.values().stream().anyMatch(v -> v.size() != length)) {
            in.problem(
                    in.lineOf("values"),
                    in.path("values"),
                    "every series needs the same number of values ("
                            + values.entrySet().stream()
                                    .map(e -> e.getKey() + ": " + e.getValue().size())
                                    .toList() + ")");
        }
        int count = times.orElse(length);
        if (!values.isEmpty() && count != length) {
            in.problem(
                    in.lineOf("times"), in.path("times"), "is " + count + " but the values have " + length + " each");
        }
        in.rejectUnknownKeys();
        if (in.problemsView().size() > before || node.isEmpty() || kind.isEmpty() || body.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new InputSeries(
                in.mapping().line(), cluster, node.get(), kind.get(), at, every, count, body.get(), values));
    }

    private static TestSilence silence(ConfigSection s) {
        int before = s.problemsView().size();
        List<LabelMatcher> matchers = new ArrayList<>();
        for (Node n : s.list("matchers")) {
            if (n instanceof Scalar sc) {
                s.convert(sc, s.path("matchers"), t -> Matchers.check(LabelMatcher.parse(t)))
                        .ifPresent(matchers::add);
            }
        }
        int line = s.entry("matchers")
                .map(e -> e.value().line())
                .orElse(s.mapping().line());
        try {
            if (s.problemsView().size() == before) { // a matcher already refused says enough
                Matchers.checkSilence(matchers);
            }
        } catch (IllegalArgumentException e) {
            s.problem(line, s.path("matchers"), e.getMessage());
        }
        Duration from = s.duration("from", Duration.ZERO);
        Duration until = s.duration("until", Duration.ofDays(3650));
        s.rejectUnknownKeys();
        return new TestSilence(matchers, from, until);
    }

    private static Optional<Expectation> expectation(ConfigSection s) {
        int before = s.problemsView().size();
        Optional<Duration> at =
                s.required("at", "the time to look, e.g. 1m", io.vigil.service.config.DurationText::parse);
        Optional<String> alert = s.required("alert", "the rule whose alerts are expected", text -> text);
        List<ExpectedAlert> alerts = new ArrayList<>();
        List<Node> nodes = s.list("alerts");
        for (int i = 0; i < nodes.size(); i++) {
            mapping(s, s.path("alerts[" + i + "]"), nodes.get(i))
                    .flatMap(RuleTestFile::expectedAlert)
                    .ifPresent(alerts::add);
        }
        if (s.entry("alerts").isEmpty()) {
            s.problem(s.mapping().line(), s.path("alerts"), "missing (the alerts expected, or [] for none)");
        }
        s.rejectUnknownKeys();
        if (s.problemsView().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Expectation(s.mapping().line(), at.orElseThrow(), alert.orElseThrow(), alerts));
    }

    private static Optional<ExpectedAlert> expectedAlert(ConfigSection s) {
        Map<String, String> labels = strings(s.section("labels"));
        Optional<AlertState> state =
                s.required("state", "pending, firing or resolved", text -> WireEnum.parse(AlertState.class, text));
        Map<String, String> annotations = strings(s.section("annotations"));
        Optional<Boolean> flapping = s.entry("flapping").map(e -> s.bool("flapping", false));
        Optional<Boolean> suppressed = s.entry("suppressed").map(e -> s.bool("suppressed", false));
        s.rejectUnknownKeys();
        return state.map(st -> new ExpectedAlert(labels, st, annotations, flapping, suppressed));
    }

    private static Map<String, String> strings(ConfigSection s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : s.mapping().entries().values()) {
            if (e.value() instanceof Scalar sc && !sc.isNull()) {
                out.put(e.key(), sc.text());
            } else {
                s.problem(
                        e.value().line(),
                        s.path(e.key()),
                        "expected text, not " + e.value().describe());
            }
        }
        return out;
    }

    private static Optional<ConfigSection> mapping(ConfigSection parent, String path, Node node) {
        if (node instanceof Mapping m) {
            return Optional.of(new ConfigSection(path, m, parent.problemsView()));
        }
        parent.problem(node.line(), path, "expected a map, not " + node.describe());
        return Optional.empty();
    }

    private static Optional<String> text(ConfigSection s, String key, Node n) {
        if (n instanceof Scalar sc && !sc.isNull()) {
            return Optional.of(sc.text());
        }
        s.problem(n.line(), s.path(key), "expected text, not " + n.describe());
        return Optional.empty();
    }

    private static int count(String text) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n < 1) {
                throw new IllegalArgumentException("must be 1 or more");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "' is not a whole number");
        }
    }
}
