package io.vigil.rules.rule;

import io.vigil.events.EventKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The loaded rules, indexed as the engine asks for them: by the kind of event, and by name. */
public final class RuleSet {
    private final Map<String, Rule> byName = new LinkedHashMap<>();
    private final Map<EventKind, List<EventRule>> byKind = new EnumMap<>(EventKind.class);
    private final List<AbsenceRule> absence = new ArrayList<>();
    private final Set<EventKind> keepPrevious = EnumSet.noneOf(EventKind.class);
    private final List<InhibitRule> inhibitRules;
    private final List<FailoverInhibition> failoverInhibitions;

    private RuleSet(List<Rule> rules, List<InhibitRule> inhibitRules, List<FailoverInhibition> failoverInhibitions) {
        for (Rule rule : rules) {
            if (byName.putIfAbsent(rule.name(), rule) != null) {
                throw new IllegalArgumentException("two rules are named " + rule.name());
            }
            if (rule instanceof EventRule e) {
                byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
                if (e.readsPrev()) {
                    keepPrevious.add(e.kind());
                }
            } else if (rule instanceof AbsenceRule a) {
                absence.add(a);
            }
        }
        this.inhibitRules = List.copyOf(inhibitRules);
        this.failoverInhibitions = List.copyOf(failoverInhibitions);
    }

    public static RuleSet of(List<Rule> rules, List<InhibitRule> inhibitRules) {
        return new RuleSet(rules, inhibitRules, List.of());
    }

    public static RuleSet of(
            List<Rule> rules, List<InhibitRule> inhibitRules, List<FailoverInhibition> failoverInhibitions) {
        return new RuleSet(rules, inhibitRules, failoverInhibitions);
    }

    public static RuleSet empty() {
        return new RuleSet(List.of(), List.of(), List.of());
    }

    public List<EventRule> on(EventKind kind) {
        return byKind.getOrDefault(kind, List.of());
    }

    public List<AbsenceRule> absence() {
        return Collections.unmodifiableList(absence);
    }

    /** Whether some rule on this kind reads {@code prev}. */
    public boolean keepsPrevious(EventKind kind) {
        return keepPrevious.contains(kind);
    }

    public Optional<Rule> rule(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<Rule> all() {
        return List.copyOf(byName.values());
    }

    public List<InhibitRule> inhibitRules() {
        return inhibitRules;
    }

    /** The inhibitions whose source is the failover, not an alert. */
    public List<FailoverInhibition> failoverInhibitions() {
        return failoverInhibitions;
    }

    public int size() {
        return byName.size();
    }
}
