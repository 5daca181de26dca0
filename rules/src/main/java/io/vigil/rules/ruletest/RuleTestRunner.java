package io.vigil.rules.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Body;
import io.vigil.events.DecodeException;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Silence;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTables;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.EvaluationListener;
import io.vigil.rules.engine.RuleEvaluator;
import io.vigil.rules.engine.Suppression;
import io.vigil.rules.rule.Rule;
import io.vigil.rules.rule.RuleLoadException;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.ruletest.RuleTestFile.Expectation;
import io.vigil.rules.ruletest.RuleTestFile.ExpectedAlert;
import io.vigil.rules.ruletest.RuleTestFile.InputSeries;
import io.vigil.rules.ruletest.RuleTestFile.TestCase;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigText;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs rule test files the way {@code promtool test rules} runs Prometheus's: the rules under
 * test are loaded as the engine loads them, the input events are fed to the engine's own
 * evaluator at their times, time is stepped by the evaluation interval, and at each expected
 * time the alerts of the named rule are compared with what was expected.
 */
public final class RuleTestRunner {
    /** The instant a test's t=0 stands for: a Monday at midnight UTC. */
    static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

    private RuleTestRunner() {}

    /** Runs every file; prints each case's outcome and each failure as expected versus got. True when all passed. */
    public static boolean run(List<Path> files, PrintWriter out) {
        boolean allPassed = true;
        for (Path file : files) {
            allPassed &= runFile(file, out);
        }
        out.flush();
        return allPassed;
    }

    private static boolean runFile(Path file, PrintWriter out) {
        out.println("Unit testing: " + file);
        RuleTestFile test;
        RuleSet rules;
        try {
            test = RuleTestFile.parse(file, ConfigText.read(file));
            rules = RuleLoader.load(test.ruleFiles());
        } catch (IOException e) {
            out.println("  ERROR cannot read " + file + ": " + e.getMessage());
            return false;
        } catch (ConfigException e) {
            e.getMessage().lines().forEach(l -> out.println("  ERROR " + l));
            return false;
        } catch (RuleLoadException e) {
            out.println("  ERROR the rule files under test do not load:");
            e.getMessage().lines().forEach(l -> out.println("    " + l));
            return false;
        }
        boolean passed = true;
        for (TestCase c : test.tests()) {
            List<String> failures = runCase(test, rules, c);
            out.println((failures.isEmpty() ? "  PASS  " : "  FAIL  ") + c.name());
            failures.forEach(f -> out.println("        " + f.replace("\n", "\n        ")));
            passed &= failures.isEmpty();
        }
        return passed;
    }

    private record TimedEvent(Duration at, int order, Envelope event) {}

    static List<String> runCase(RuleTestFile test, RuleSet rules, TestCase c) {
        List<String> failures = new ArrayList<>();
        List<TimedEvent> events = events(test, c, failures);
        for (Expectation e : c.expect()) {
            if (rules.rule(e.alert()).isEmpty()) {
                failures.add(test.file() + ":" + e.line() + ": no rule named " + e.alert() + " in " + test.ruleFiles());
            }
        }
        if (!failures.isEmpty()) {
            return failures;
        }
        List<Silence> silences = new ArrayList<>();
        for (int i = 0; i < c.silences().size(); i++) {
            RuleTestFile.TestSilence s = c.silences().get(i);
            silences.add(new Silence(
                    "test-silence-" + i,
                    s.matchers(),
                    T0.plus(s.from()),
                    T0.plus(s.until()),
                    "rule test",
                    "silence " + i + " of the test case",
                    Optional.empty(),
                    T0));
        }
        EngineTiming timing = new EngineTiming(
                test.interval(),
                Duration.ofMinutes(1),
                Duration.ofMinutes(4),
                test.absenceGrace(),
                Duration.ofDays(7),
                Duration.ofMinutes(15));
        EvaluationFailures evaluationFailures = new EvaluationFailures();
        RuleEvaluator evaluator = new RuleEvaluator(
                rules,
                test.roster(),
                timing,
                EngineLimits.DEFAULTS,
                EngineTables.inMemory(),
                new Suppression(() -> silences, rules.inhibitRules()),
                evaluationFailures,
                T0,
                cluster -> true);
        Duration end = events.stream()
                .map(TimedEvent::at)
                .max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
        for (Expectation e : c.expect()) {
            end = e.at().compareTo(end) > 0 ? e.at() : end;
        }
        TreeSet<Duration> times = new TreeSet<>();
        events.forEach(e -> times.add(e.at()));
        c.expect().forEach(e -> times.add(e.at()));
        for (Duration t = Duration.ZERO; t.compareTo(end) <= 0; t = t.plus(test.interval())) {
            times.add(t);
        }
        int next = 0;
        for (Duration t : times) {
            Instant now = T0.plus(t);
            evaluationFailures.at = t;
            while (next < events.size() && events.get(next).at().equals(t)) {
                evaluator.onEvent(events.get(next++).event(), now);
            }
            if (t.toMillis() % test.interval().toMillis() == 0) {
                evaluator.onTick(now);
            }
            for (Expectation e : c.expect()) {
                if (e.at().equals(t)) {
                    compare(e, evaluator.alerts()).ifPresent(failures::add);
                }
            }
        }
        if (!failures.isEmpty()) {
            // a rule that fails at run time shows as alerts missing: say why
            failures.addAll(evaluationFailures.lines());
        }
        return failures;
    }

    /** The rules that could not be evaluated, each failure once, with when it first happened and how often. */
    private static final class EvaluationFailures implements EvaluationListener {
        private final Map<List<String>, Duration> firstAt = new LinkedHashMap<>();
        private final Map<List<String>, Integer> count = new HashMap<>();
        private Duration at = Duration.ZERO;

        @Override
        public void failed(Rule rule, String message) {
            List<String> failure = List.of(rule.name(), message);
            firstAt.putIfAbsent(failure, at);
            count.merge(failure, 1, Integer::sum);
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            firstAt.forEach((failure, first) -> {
                int times = count.get(failure);
                lines.add(failure.get(0) + " could not be evaluated from " + DurationText.format(first)
                        + (times == 1 ? " (once)" : " (" + times + " times)") + ": " + failure.get(1));
            });
            return lines;
        }
    }

    private static List<TimedEvent> events(RuleTestFile test, TestCase c, List<String> failures) {
        List<TimedEvent> events = new ArrayList<>();
        Map<String, Long> seq = new HashMap<>();
        int order = 0;
        for (InputSeries in : c.inputs()) {
            for (int i = 0; i < in.times(); i++) {
                Duration at = in.at().plus(in.every().multipliedBy(i));
                ObjectNode body = in.body().deepCopy();
                boolean silent = false;
                for (Map.Entry<String, List<Optional<JsonNode>>> v : in.values().entrySet()) {
                    Optional<JsonNode> value = v.getValue().get(i);
                    if (value.isEmpty()) {
                        silent = true;
                    } else {
                        try {
                            FieldPath.set(body, v.getKey(), value.get());
                        } catch (IllegalArgumentException e) {
                            failures.add(
                                    test.file() + ":" + in.line() + ": values." + v.getKey() + ": " + e.getMessage());
                            return events;
                        }
                    }
                }
                if (silent) {
                    continue;
                }
                Body decoded;
                try {
                    decoded = EnvelopeCodec.decodeBody(in.kind(), body);
                } catch (DecodeException e) {
                    failures.add(test.file() + ":" + in.line() + ": the " + in.kind() + " event at "
                            + DurationText.format(at) + " is not one an agent could send: " + e.getMessage());
                    return events;
                }
                long n = seq.merge(in.cluster() + "/" + in.node(), 1L, Long::sum);
                events.add(new TimedEvent(at, order++, Envelope.of(in.cluster(), in.node(), n, T0.plus(at), decoded)));
            }
        }
        events.sort(Comparator.comparing(TimedEvent::at).thenComparingInt(TimedEvent::order));
        return events;
    }

    private static Optional<String> compare(Expectation e, List<TrackedAlert> all) {
        List<TrackedAlert> got =
                all.stream().filter(a -> a.rule().equals(e.alert())).collect(Collectors.toCollection(ArrayList::new));
        List<ExpectedAlert> missing = new ArrayList<>();
        List<TrackedAlert> unmatched = new ArrayList<>(got);
        for (ExpectedAlert x : e.alerts()) {
            Optional<TrackedAlert> match =
                    unmatched.stream().filter(a -> matches(x, a)).findFirst();
            if (match.isPresent()) {
                unmatched.remove(match.get());
            } else {
                missing.add(x);
            }
        }
        if (missing.isEmpty() && unmatched.isEmpty()) {
            return Optional.empty();
        }
        String expected = e.alerts().isEmpty()
                ? "(none)"
                : e.alerts().stream().map(RuleTestRunner::describe).collect(Collectors.joining("\n          "));
        String gotText = got.isEmpty()
                ? "(none)"
                : got.stream().map(RuleTestRunner::describe).collect(Collectors.joining("\n          "));
        return Optional.of("at " + DurationText.format(e.at()) + ", " + e.alert() + " (line " + e.line() + "):\n"
                + "  expected: " + expected + "\n  got:      " + gotText);
    }

    private static boolean matches(ExpectedAlert x, TrackedAlert a) {
        return a.state() == x.state()
                && x.labels().entrySet().stream()
                        .allMatch(l -> l.getValue().equals(a.labels().getOrDefault(l.getKey(), "")))
                && x.annotations().entrySet().stream()
                        .allMatch(l -> l.getValue().equals(a.annotations().get(l.getKey())))
                && x.flapping().map(f -> f == a.flapping()).orElse(true)
                && x.suppressed().map(s -> s == a.suppressed()).orElse(true);
    }

    private static String describe(ExpectedAlert x) {
        return x.state().wire() + " " + labels(x.labels())
                + (x.annotations().isEmpty() ? "" : " annotations " + labels(x.annotations()))
                + x.flapping().map(f -> f ? " flapping" : " not flapping").orElse("")
                + x.suppressed().map(s -> s ? " suppressed" : " not suppressed").orElse("");
    }

    private static String describe(TrackedAlert a) {
        return a.state().wire() + " " + labels(a.labels())
                + (a.annotations().isEmpty() ? "" : " annotations " + labels(a.annotations()))
                + (a.flapping() ? " flapping" : "") + (a.suppressed() ? " suppressed" : "");
    }

    private static String labels(Map<String, String> labels) {
        return new java.util.TreeMap<>(labels)
                .entrySet().stream()
                        .map(l -> l.getKey() + "=\"" + l.getValue() + "\"")
                        .collect(Collectors.joining(", ", "{", "}"));
    }
}
