package io.vigil.rules.rule;

import io.vigil.events.EventKind;
import io.vigil.rules.cel.Expression;
import io.vigil.rules.cel.Template;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A rule over events of one kind: {@code when} is evaluated on each event (with {@code each}, once
 * per element of the list it names, bound to {@code it}, each element its own alert).
 */
public record EventRule(
        String name,
        EventKind kind,
        Optional<Expression> each,
        Expression when,
        Duration forDuration,
        Duration keepFiringFor,
        Severity severity,
        Map<String, Template> labels,
        Map<String, Template> annotations,
        boolean failover,
        Optional<Flapping> flapping,
        RuleSource source)
        implements Rule {
    public EventRule {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** Whether any of its expressions reads {@code prev}, so the engine must keep the previous body. */
    public boolean readsPrev() {
        return when.readsPrev()
                || each.map(Expression::readsPrev).orElse(false)
                || labels.values().stream().anyMatch(Template::readsPrev)
                || annotations.values().stream().anyMatch(Template::readsPrev);
    }
}
