package io.vigil.collectors.executor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionType;

/**
 * vigil_agent_actions_total{type,outcome} for every action this executor ended (run or refused),
 * once per id: a result published again for a redelivery is not counted again;
 * vigil_agent_actions_refused_total{reason} for every record refused, readable or not. Both carry
 * {@code cluster} and {@code node}, as every series of the agent does. Every type, outcome and
 * reason is registered at zero when the executor starts (the sets are closed), so that a rate() or
 * an alert on refusals reads 0 before the first one, not "no data".
 */
final class ExecutorMetrics {
    private final MeterRegistry registry;
    private final Tags base;

    ExecutorMetrics(MeterRegistry registry, String cluster, String node) {
        this.registry = registry;
        this.base = Tags.of("cluster", cluster, "node", node);
        for (ActionType type : ActionType.values()) {
            for (ActionOutcome outcome : ActionOutcome.values()) {
                actions(type, outcome);
            }
        }
        for (RefusalReason reason : RefusalReason.values()) {
            refusals(reason);
        }
    }

    void ended(ActionType type, ActionOutcome outcome) {
        actions(type, outcome).increment();
    }

    void refused(RefusalReason reason) {
        refusals(reason).increment();
    }

    private Counter actions(ActionType type, ActionOutcome outcome) {
        return Counter.builder("vigil.agent.actions")
                .description("Actions this agent's executor ended, by type and outcome")
                .tags(base)
                .tag("type", type.wire())
                .tag("outcome", outcome.wire())
                .register(registry);
    }

    private Counter refusals(RefusalReason reason) {
        return Counter.builder("vigil.agent.actions.refused")
                .description("Action records this agent's executor refused, by reason")
                .tags(base)
                .tag("reason", reason.word())
                .register(registry);
    }
}
