package io.vigil.rules.rule;

import io.vigil.events.EventKind;
import io.vigil.rules.cel.Template;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A rule that fires on silence: no event of {@code kind} from a node for {@code forDuration}, by
 * the engine's clock. It never starts a failover: silence alone does not prove a host dead.
 */
public record AbsenceRule(
        String name,
        EventKind kind,
        Duration forDuration,
        Duration keepFiringFor,
        Severity severity,
        Map<String, Template> labels,
        Map<String, Template> annotations,
        RuleSource source)
        implements Rule {
    public AbsenceRule {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    @Override
    public boolean failover() {
        return false;
    }

    @Override
    public Optional<Flapping> flapping() {
        return Optional.empty();
    }
}
