package io.vigil.collectors.executor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionType;

/**
 * vigil_agent_actions_total{type,outcome} for every action this executor ended (run or refused),
 * once per id: a result published again for a redelivery is not counted again;
 * vigil_agent_actions_refused_total{reason} for every record refused, readable or not. Both carry
 * {@code node}, as the publisher's series do, so that a lab's agents sharing one registry stay apart.
 */
final class ExecutorMetrics {
    private final MeterRegistry registry;
    private final String node;

    ExecutorMetrics(MeterRegistry registry, String node) {
        this.registry = registry;
        this.node = node;
    }

    void ended(ActionType type, ActionOutcome outcome) {
        Counter.builder("vigil.agent.actions")
                .description("Actions this agent's executor ended, by type and outcome")
                .tag("node", node).tag("type", type.wire()).tag("outcome", outcome.wire())
                .register(registry).increment();
    }

    void refused(RefusalReason reason) {
        Counter.builder("vigil.agent.actions.refused")
                .description("Action records this agent's executor refused, by reason")
                .tag("node", node).tag("reason", reason.word())
                .register(registry).increment();
    }
}
