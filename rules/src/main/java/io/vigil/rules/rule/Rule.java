package io.vigil.rules.rule;

import io.vigil.events.EventKind;
import io.vigil.rules.cel.Template;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One alerting rule: what it looks at, when it holds, and the alert it makes. Timing follows
 * Prometheus: a condition must hold {@code for} before the alert fires, and a firing alert stays
 * {@code keep_firing_for} after the condition clears.
 */
public sealed interface Rule permits EventRule, AbsenceRule {
    String name();

    /** The kind of event it looks at (or whose silence it notices). */
    EventKind kind();

    Duration forDuration();

    Duration keepFiringFor();

    Severity severity();

    /** Extra labels; each value is a template. */
    Map<String, Template> labels();

    Map<String, Template> annotations();

    /** Whether its firing may start a failover of the resource it names. */
    boolean failover();

    Optional<Flapping> flapping();

    RuleSource source();
}
