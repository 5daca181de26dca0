package io.vigil.rules.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.events.Alert;
import io.vigil.events.Envelope;
import io.vigil.rules.engine.EvaluationListener;
import io.vigil.rules.rule.Rule;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's own health, as Prometheus reads it: events taken in, rule evaluations and their
 * failures, dead letters, alert records published, how late events are processed, and how long
 * an event takes to become an alert. Gauges of the alerts themselves are bound by {@link Engine}.
 */
final class EngineMetrics implements EvaluationListener {
    private final MeterRegistry registry;
    private final Map<String, Counter> evaluations = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> records = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Counter unknownNodeEvents;
    private final Timer eventDelay;
    private final Timer eventToAlert;

    EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventDelay = Timer.builder("vigil_engine_event_delay")
                .description("from an event's timestamp (the agent's clock) to its evaluation: processing lag")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        this.eventToAlert = Timer.builder("vigil_engine_event_to_alert")
                .description("from the timestamp of the event that changed an alert to the alert's publication")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        // no cluster tag: the names come off the wire, and a flood of them would be a flood of series
        this.unknownNodeEvents = Counter.builder("vigil_engine_unknown_node_events_dropped")
                .description("events dropped unread: from a node the config does not list, beyond its cluster's limit of such nodes")
                .register(registry);
    }

    void received(Envelope envelope, long nowMillis) {
        counter(events, envelope.kind().wire(), "vigil_engine_events", "kind", "telemetry events taken in").increment();
        eventDelay.record(Duration.ofMillis(Math.max(0, nowMillis - envelope.ts().toEpochMilli())));
        // (the codec refuses timestamps that do not fit epoch milliseconds)
    }

    void forwarded(Alert alert, long nowMillis) {
        counter(records, alert.change().wire() + "/" + alert.state().wire(), "vigil_engine_alert_records",
                "change", "alert records published to vigil.alerts").increment();
        if (alert.change() != io.vigil.events.AlertChange.RESEND) {
            alert.cause().ifPresent(c -> eventToAlert.record(Duration.ofMillis(Math.max(0, nowMillis - c.ts().toEpochMilli()))));
        }
    }

    void deadLettered(String reason) {
        String category = reason.startsWith("unreadable") ? "unreadable" : reason.startsWith("key ") ? "wrong-key" : "engine-error";
        counter(deadLetters, category, "vigil_engine_dead_letters", "reason", "records sent to vigil.deadletter").increment();
    }

    @Override
    public void evaluated(Rule rule) {
        counter(evaluations, rule.name(), "vigil_engine_rule_evaluations", "rule", "rule conditions evaluated on an event").increment();
    }

    @Override
    public void failed(Rule rule, String message) {
        counter(failures, rule.name(), "vigil_engine_rule_evaluation_failures", "rule",
                "rule evaluations that failed (the alerts keep their state)").increment();
    }

    @Override
    public void refused(String cluster, Rule rule) {
        counter(refused, rule.name(), "vigil_engine_alerts_refused", "rule",
                "new alerts not created: their cluster had as many pending or firing as its limit").increment();
    }

    @Override
    public void dropped(String cluster, String node) {
        unknownNodeEvents.increment();
    }

    private Counter counter(Map<String, Counter> cache, String key, String name, String tag, String description) {
        return cache.computeIfAbsent(key, k -> {
            if (tag.equals("change")) {
                String[] parts = k.split("/", 2);
                return Counter.builder(name).description(description).tag("change", parts[0]).tag("state", parts[1]).register(registry);
            }
            return Counter.builder(name).description(description).tag(tag, k).register(registry);
        });
    }
}
