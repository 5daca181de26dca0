package io.vigil.rules.engine;

import io.vigil.events.Alert;
import io.vigil.rules.rule.Rule;

/** What the evaluator reports as it works, for metrics. */
public interface EvaluationListener {
    EvaluationListener NONE = new EvaluationListener() {};

    /** A rule's condition was evaluated on an event (once per event, whatever {@code each} went through). */
    default void evaluated(Rule rule) {}

    /** A rule could not be evaluated; its alerts in that scope keep their state. */
    default void failed(Rule rule, String message) {}

    default void published(Alert alert) {}

    /** A new alert was not created: its cluster has as many alerts pending or firing as {@link EngineLimits} allows. */
    default void refused(String cluster, Rule rule) {}

    /** An event was dropped unread: its node is not listed, and its cluster has as many such nodes as {@link EngineLimits} allows. */
    default void dropped(String cluster, String node) {}
}
