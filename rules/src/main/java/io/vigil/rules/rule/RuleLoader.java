package io.vigil.rules.rule;

import io.vigil.events.AlertLabels;
import io.vigil.events.EventKind;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Name;
import io.vigil.events.WireEnum;
import io.vigil.rules.cel.Expression;
import io.vigil.rules.cel.ExpressionCompiler;
import io.vigil.rules.cel.ExpressionException;
import io.vigil.rules.cel.ExpressionProblem;
import io.vigil.rules.cel.Template;
import io.vigil.rules.silence.Matchers;
import io.vigil.service.config.ConfigDocument;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigProblem;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.ConfigText;
import io.vigil.service.config.YamlTree.Entry;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads rule files and checks every rule before any runs: the YAML, the keys, and each CEL
 * expression type-checked against the body of the kind it looks at. Every problem in every file
 * is reported at once, each with file and line, and nothing loads if one is wrong: a rule that
 * cannot be evaluated must fail now, not at 3 a.m.
 *
 * <pre>
 * rules:
 *   - alert: DrbdLocalDiskLost
 *     on: drbd
 *     when: body.role == "Primary" &amp;&amp; body.devices.exists(d, d.disk in ["Failed", "Diskless"])
 *     for: 0s
 *     severity: critical
 *     annotations:
 *       summary: "{{node}} lost the disk under {{body.resource}}"
 *     failover: true
 *   - alert: NodeSilent
 *     absent: heartbeat
 *     for: 15s
 *     severity: critical
 * inhibit:
 *   - source_matchers: ['alertname="NodeSilent"']
 *     target_matchers: ['alertname!="NodeSilent"']
 *     equal: [node]
 *   - source_failover: holds_vm_elsewhere
 *     target_matchers: ['alertname="VmNotRunning"']
 * </pre>
 */
public final class RuleLoader {
    /** Labels every alert gets from the engine; a rule may not set them. */
    public static final Set<String> AUTOMATIC_LABELS = Set.of("alertname", "cluster", "node", "severity");

    private RuleLoader() {}

    /**
     * Loads rule files; a directory stands for its {@code *.yaml} and {@code *.yml} files (not its
     * subdirectories, where the rules' tests live).
     */
    public static RuleSet load(List<Path> paths) throws RuleLoadException {
        List<RuleProblem> problems = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        List<InhibitRule> inhibit = new ArrayList<>();
        List<FailoverInhibition> byFailover = new ArrayList<>();
        for (Path file : expand(paths, problems)) {
            String text;
            try {
                text = ConfigText.read(file);
            } catch (ConfigException e) {
                e.problems()
                        .forEach(p -> problems.add(new RuleProblem(file.toString(), p.line(), p.path(), p.message())));
                continue;
            } catch (IOException e) {
                problems.add(new RuleProblem(file.toString(), 0, "", "cannot read: " + e.getMessage()));
                continue;
            }
            read(file.toString(), text, rules, inhibit, byFailover, problems);
        }
        return finish(rules, inhibit, byFailover, problems);
    }

    /** Loads rules from text; {@code source} is how problems name it. */
    public static RuleSet parse(String source, String text) throws RuleLoadException {
        return parse(Map.of(source, text));
    }

    /** Loads rules from several texts, by the names problems give them, as one set. */
    public static RuleSet parse(Map<String, String> texts) throws RuleLoadException {
        List<RuleProblem> problems = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        List<InhibitRule> inhibit = new ArrayList<>();
        List<FailoverInhibition> byFailover = new ArrayList<>();
        new TreeMap<>(texts).forEach((source, text) -> read(source, text, rules, inhibit, byFailover, problems));
        return finish(rules, inhibit, byFailover, problems);
    }

    private static RuleSet finish(
            List<Rule> rules,
            List<InhibitRule> inhibit,
            List<FailoverInhibition> byFailover,
            List<RuleProblem> problems)
            throws RuleLoadException {
        Map<String, Rule> seen = new LinkedHashMap<>();
        for (Rule rule : rules) {
            Rule first = seen.putIfAbsent(rule.name(), rule);
            if (first != null) {
                problems.add(new RuleProblem(
                        rule.source().file(),
                        rule.source().line(),
                        rule.name(),
                        "a rule of this name is already defined at " + first.source()
                                + " (alert names must be unique)"));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleLoadException(problems);
        }
        return RuleSet.of(rules, inhibit, byFailover);
    }

    static List<Path> expand(List<Path> paths, List<RuleProblem> problems) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> list = Files.list(path)) {
                    list.filter(p -> Files.isRegularFile(p)
                                    && (p.toString().endsWith(".yaml")
                                            || p.toString().endsWith(".yml")))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(files::add);
                } catch (IOException e) {
                    problems.add(
                            new RuleProblem(path.toString(), 0, "", "cannot list the directory: " + e.getMessage()));
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                problems.add(new RuleProblem(path.toString(), 0, "", "no such file or directory"));
            }
        }
        return files;
    }

    private static void read(
            String file,
            String text,
            List<Rule> rules,
            List<InhibitRule> inhibit,
            List<FailoverInhibition> byFailover,
            List<RuleProblem> problems) {
        ConfigDocument document;
        try {
            document = ConfigDocument.parse(file, text, "rules:, inhibit:");
        } catch (ConfigException e) {
            e.problems().forEach(p -> problems.add(convert(file, p)));
            return;
        }
        ConfigSection top = document.top();
        List<Node> ruleNodes = top.list("rules");
        for (int i = 0; i < ruleNodes.size(); i++) {
            section(top, "rules[" + i + "]", ruleNodes.get(i))
                    .flatMap(s -> rule(file, s, problems))
                    .ifPresent(rules::add);
        }
        List<Node> inhibitNodes = top.list("inhibit");
        for (int i = 0; i < inhibitNodes.size(); i++) {
            section(top, "inhibit[" + i + "]", inhibitNodes.get(i)).ifPresent(s -> {
                if (s.mapping().entries().containsKey("source_failover")) {
                    failoverInhibition(file, s).ifPresent(byFailover::add);
                } else {
                    inhibitRule(file, s).ifPresent(inhibit::add);
                }
            });
        }
        if (!top.mapping().entries().containsKey("rules")
                && !top.mapping().entries().containsKey("inhibit")) {
            top.problem(top.mapping().line(), "", "a rule file has rules: (a list of rules) and may have inhibit:");
        }
        try {
            document.finish();
        } catch (ConfigException e) {
            e.problems().forEach(p -> problems.add(convert(file, p)));
        }
    }

    private static RuleProblem convert(String file, ConfigProblem p) {
        return new RuleProblem(file, p.line(), p.path(), p.message());
    }

    private static Optional<ConfigSection> section(ConfigSection parent, String path, Node node) {
        if (node instanceof Mapping m) {
            return Optional.of(new ConfigSection(path, m, parent.problemsView()));
        }
        parent.problem(node.line(), path, "expected a map (alert:, on:, when:, ...), not " + node.describe());
        return Optional.empty();
    }

    private static Optional<Rule> rule(String file, ConfigSection s, List<RuleProblem> problems) {
        int line = s.mapping().line();
        Optional<String> name =
                s.required("alert", "the alert's name, e.g. DrbdLocalDiskLost", text -> Name.check("alert", text));
        String label = name.orElse(s.path());
        Optional<EventKind> on = s.read("on", EventKind::parse);
        Optional<EventKind> absent = s.read("absent", EventKind::parse);
        Duration forDuration = s.duration("for", Duration.ZERO);
        Duration keepFiringFor = s.duration("keep_firing_for", Duration.ZERO);
        Optional<Severity> severity =
                s.required("severity", "critical, warning or info", text -> WireEnum.parse(Severity.class, text));
        boolean failover = s.bool("failover", false);
        Optional<Flapping> flapping = flapping(s);
        RuleSource source = new RuleSource(file, line);
        int before = s.problemsView().size();
        boolean onGiven = s.entry("on").isPresent();
        boolean absentGiven = s.entry("absent").isPresent();
        if (onGiven && absentGiven) {
            s.problem(line, label, "give on: or absent:, not both");
        } else if (!onGiven && !absentGiven) {
            s.problem(
                    line,
                    label,
                    "missing on: (the kind of event it looks at) or absent: (the kind whose silence it notices)");
        }
        ExpressionCompiler base = absent.isPresent()
                ? ExpressionCompiler.forAbsence()
                : ExpressionCompiler.forEvents(on.orElse(EventKind.HEARTBEAT));
        Optional<Expression> each = Optional.empty();
        ExpressionCompiler compiler = base;
        Optional<Expression> when = Optional.empty();
        if (absent.isPresent()) {
            for (String key : List.of("when", "each")) {
                s.entry(key)
                        .ifPresent(e -> s.problem(
                                e.keyLine(),
                                label,
                                key + ": an absence rule has no condition; it fires when no "
                                        + absent.get().wire() + " event came for 'for'"));
            }
            if (forDuration.isZero()) {
                s.problem(
                        s.lineOf("for"), label + ".for", "an absence rule needs the length of silence, e.g. for: 15s");
            }
            if (failover) {
                s.problem(
                        s.lineOf("failover"),
                        label + ".failover",
                        "silence alone never proves a host dead: an absence rule cannot start"
                                + " a failover (page a human, or fence the host first)");
            }
            if (flapping.isPresent()) {
                s.problem(
                        s.lineOf("flapping"),
                        label + ".flapping",
                        "flap detection applies to rules with a condition (on:), not to absence");
            }
        } else if (on.isPresent()) {
            each = s.scalar("each").flatMap(text -> compile(s, label + ".each", text, t -> base.list(t)));
            if (each.isPresent()) {
                compiler = base.withItem(ExpressionCompiler.itemType(each.get()));
            }
            ExpressionCompiler conditions = compiler;
            Optional<Scalar> whenText = s.scalar("when");
            if (whenText.isEmpty()) {
                s.problem(
                        line,
                        label + ".when",
                        "missing (a CEL condition over the event, e.g. body.role == \"Primary\")");
            }
            when = whenText.flatMap(text -> compile(s, label + ".when", text, conditions::condition));
        } else {
            // the kind was given but is not one: its condition cannot be checked, and is not an unknown key
            s.entry("when");
            s.entry("each");
        }
        for (String annotation : List.of("summary", "description", "runbook_url")) {
            s.entry(annotation)
                    .ifPresent(e -> s.problem(
                            e.keyLine(),
                            label + "." + annotation,
                            "goes under annotations: (annotations: {" + annotation + ": \"...\"})"));
        }
        int beforeLabels = s.problemsView().size();
        Map<String, Template> labels = templates(s, "labels", label, compiler, automaticLabels(on));
        if (each.isPresent()
                && s.problemsView().size() == beforeLabels
                && labels.values().stream().noneMatch(t -> t.reads("it"))) {
            // An alert is its labels: with no label reading it, every item of each gives the same labels, so the
            // items are one alert that the engine can only merge (it holds while any item holds, and tells of the
            // first that holds). That is exists() in when: in disguise, and nearly always a label forgotten, so it
            // is refused rather than warned of: a warning scrolls by, and the page would then name one item of many.
            s.problem(
                    s.lineOf("each"),
                    label + ".each",
                    "no label reads it, so the items could never be told apart (one alert for all);"
                            + " add a label that names the item, e.g. labels: {volume: \"{{it.volume}}\"}, or drop each: and use"
                            + " exists() in when: for one alert");
        }
        Map<String, Template> annotations = templates(s, "annotations", label, compiler, Set.of());
        s.rejectUnknownKeys();
        if (s.problemsView().size() > before || name.isEmpty() || severity.isEmpty()) {
            return Optional.empty();
        }
        if (absent.isPresent()) {
            return Optional.of(new AbsenceRule(
                    name.get(), absent.get(), forDuration, keepFiringFor, severity.get(), labels, annotations, source));
        }
        if (on.isEmpty() || when.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EventRule(
                name.get(),
                on.get(),
                each,
                when.get(),
                forDuration,
                keepFiringFor,
                severity.get(),
                labels,
                annotations,
                failover,
                flapping,
                source));
    }

    /** The labels an alert of a rule on {@code kind} gets without asking: never settable by the rule. */
    static Set<String> automaticLabels(Optional<EventKind> on) {
        Set<String> names = new HashSet<>(AUTOMATIC_LABELS);
        on.ifPresent(kind -> names.addAll(kind.subjectLabels()));
        return names;
    }

    private interface Compile<T> {
        T apply(String text) throws ExpressionException;
    }

    private static <T> Optional<T> compile(ConfigSection s, String path, Scalar scalar, Compile<T> compile) {
        try {
            return Optional.of(compile.apply(scalar.text()));
        } catch (ExpressionException e) {
            for (ExpressionProblem p : e.problems()) {
                // a multi-line expression (a YAML block scalar) starts on the line after its key
                int line = p.line() > 1 || scalar.text().contains("\n") ? scalar.line() + p.line() : scalar.line();
                s.problem(line, path, p.message() + " (column " + p.column() + " of the expression)");
            }
            return Optional.empty();
        }
    }

    private static Map<String, Template> templates(
            ConfigSection s, String key, String label, ExpressionCompiler compiler, Set<String> reserved) {
        ConfigSection section = s.section(key);
        Map<String, Template> templates = new LinkedHashMap<>();
        for (Entry entry : section.mapping().entries().values()) {
            String path = label + "." + key + "." + entry.key();
            try {
                AlertLabels.checkName(key, entry.key());
            } catch (IllegalArgumentException e) {
                s.problem(entry.keyLine(), path, e.getMessage().substring(key.length() + 2));
                continue;
            }
            if (reserved.contains(entry.key())) {
                s.problem(
                        entry.keyLine(),
                        path,
                        "is set by the engine ("
                                + String.join(", ", reserved.stream().sorted().toList()) + "); choose another name");
                continue;
            }
            if (!(entry.value() instanceof Scalar scalar) || scalar.isNull()) {
                s.problem(
                        entry.value().line(),
                        path,
                        "expected text (a template such as \"{{node}} is down\"), not "
                                + entry.value().describe());
                continue;
            }
            compile(s, path, scalar, text -> Template.compile(text, compiler))
                    .ifPresent(t -> templates.put(entry.key(), t));
        }
        return templates;
    }

    private static Optional<Flapping> flapping(ConfigSection s) {
        if (s.entry("flapping").isEmpty()) {
            return Optional.empty();
        }
        ConfigSection f = s.section("flapping");
        int window = f.optional("window", 10, RuleLoader::integer);
        double low = f.optional("low", 0.25, RuleLoader::share);
        double high = f.optional("high", 0.5, RuleLoader::share);
        f.rejectUnknownKeys();
        try {
            return Optional.of(new Flapping(window, low, high));
        } catch (IllegalArgumentException e) {
            s.problem(s.lineOf("flapping"), s.path("flapping"), e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<InhibitRule> inhibitRule(String file, ConfigSection s) {
        int before = s.problemsView().size();
        List<LabelMatcher> source = matchers(s, "source_matchers");
        List<LabelMatcher> target = matchers(s, "target_matchers");
        List<String> equal = new ArrayList<>();
        for (Node n : s.list("equal")) {
            if (n instanceof Scalar scalar && !scalar.isNull()) {
                s.convert(scalar, s.path("equal"), text -> AlertLabels.checkName("equal", text))
                        .ifPresent(equal::add);
            } else {
                s.problem(n.line(), s.path("equal"), "expected label names, not " + n.describe());
            }
        }
        if (!equal.contains("cluster")) {
            equal.add("cluster");
        }
        s.rejectUnknownKeys();
        if (s.entry("source_matchers").isEmpty() || s.entry("target_matchers").isEmpty()) {
            s.problem(
                    s.mapping().line(),
                    s.path(),
                    "an inhibition needs source_matchers and target_matchers"
                            + " (e.g. ['alertname=\"NodeSilent\"'] and ['severity=~\"warning|critical\"'])");
        }
        if (s.problemsView().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new InhibitRule(
                source, target, equal, new RuleSource(file, s.mapping().line())));
    }

    /** An inhibition whose source is the failover ({@code source_failover}) rather than firing alerts. */
    private static Optional<FailoverInhibition> failoverInhibition(String file, ConfigSection s) {
        int before = s.problemsView().size();
        s.read("source_failover", text -> {
            if (!text.equals(FailoverInhibition.HOLDS_VM_ELSEWHERE)) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not a failover fact an inhibition can rest on (one of "
                                + FailoverInhibition.HOLDS_VM_ELSEWHERE + ")");
            }
            return text;
        });
        List<LabelMatcher> target = matchers(s, "target_matchers");
        for (String alertKey : List.of("source_matchers", "equal")) {
            if (s.entry(alertKey).isPresent()) {
                s.problem(
                        s.lineOf(alertKey),
                        s.path(alertKey),
                        "source_failover takes the place of source_matchers and equal: the"
                                + " saga inhibits the targets about the VMs it holds elsewhere (their vm and resource labels); drop "
                                + alertKey);
            }
        }
        s.rejectUnknownKeys();
        if (s.entry("target_matchers").isEmpty()) {
            s.problem(
                    s.mapping().line(),
                    s.path(),
                    "an inhibition by the failover needs target_matchers (e.g. ['alertname=\"VmNotRunning\"'])");
        }
        if (s.problemsView().size() > before) {
            return Optional.empty();
        }
        return Optional.of(
                new FailoverInhibition(target, new RuleSource(file, s.mapping().line())));
    }

    private static List<LabelMatcher> matchers(ConfigSection s, String key) {
        List<LabelMatcher> matchers = new ArrayList<>();
        for (Node n : s.list(key)) {
            if (n instanceof Scalar scalar && !scalar.isNull()) {
                s.convert(scalar, s.path(key), text -> {
                            LabelMatcher m = LabelMatcher.parse(text);
                            Matchers.check(m);
                            return m;
                        })
                        .ifPresent(matchers::add);
            } else {
                s.problem(n.line(), s.path(key), "expected matchers such as 'node=\"node-a\"', not " + n.describe());
            }
        }
        return matchers;
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "' is not a whole number");
        }
    }

    private static double share(String text) {
        try {
            double value = Double.parseDouble(text.strip());
            if (value < 0 || value > 1) {
                throw new IllegalArgumentException("'" + text + "' is not a share between 0 and 1");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + Name.printable(text) + "' is not a share between 0 and 1 (e.g. 0.25)");
        }
    }
}
