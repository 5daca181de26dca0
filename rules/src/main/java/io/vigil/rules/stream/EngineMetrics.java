package io.vigil.rules.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.events.Alert;
import io.vigil.events.Envelope;
import io.vigil.events.EventKind;
import io.vigil.events.Topics;
import io.vigil.rules.engine.EvaluationListener;
import io.vigil.rules.rule.Rule;
import io.vigil.rules.rule.RuleSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Counter unknownNodeEvents;
    private final Timer eventDelay;
    private final Timer eventToAlert;
    private final Counter threadFailures;
    /** When a task last evaluated a record or let time pass; 0 before the first. */
    private final AtomicLong progressedAt = new AtomicLong();

    private final FailoverMetrics failover;
    private final NodesHeardMetrics nodesHeard;

    /** The categories of {@code vigil_engine_dead_letters_total{reason}}. */
    private static final List<String> DEAD_LETTER_REASONS =
            List.of("unreadable", "wrong-key", "engine-error", "unreadable-state");

    /**
     * Every counter whose labels are known when the engine starts (each rule, each kind of event,
     * each reason) is registered at zero, as Prometheus advises: a rate() or an alert on failures
     * reads 0 before the first one, not "no data".
     */
    EngineMetrics(MeterRegistry registry, RuleSet rules) {
        this.registry = registry;
        this.failover = new FailoverMetrics(registry);
        this.nodesHeard = new NodesHeardMetrics(registry);
        this.eventDelay = Timer.builder("vigil_engine_event_delay")
                .description("from an event's timestamp (the agent's clock) to its evaluation: processing lag")
                // buckets only: quantiles computed in one instance cannot be summed over several, and Prometheus
                // refuses "quantile" on a histogram; histogram_quantile() over the buckets gives p50 and p99
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        this.eventToAlert = Timer.builder("vigil_engine_event_to_alert")
                .description("from the timestamp of the event that changed an alert to the alert's publication")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        threadFailures = Counter.builder("vigil_engine_stream_thread_failures")
                .description("stream threads that died (replaced, or the engine stopped when they keep dying)")
                .register(registry);
        for (String topic : List.of(Topics.ALERTS, Topics.DEADLETTER)) {
            recordsDropped(topic, 0);
        }
        // no cluster tag: the names come off the wire, and a flood of them would be a flood of series
        this.unknownNodeEvents = Counter.builder("vigil_engine_unknown_node_events_dropped")
                .description(
                        "events dropped unread: from a node the config does not list, beyond its cluster's limit of such nodes")
                .register(registry);
        for (EventKind kind : EventKind.values()) {
            eventsCounter(kind.wire());
        }
        DEAD_LETTER_REASONS.forEach(this::deadLetterCounter);
        for (Rule rule : rules.all()) {
            evaluationsCounter(rule);
            failuresCounter(rule);
            refusedCounter(rule);
        }
    }

    /** The failover's meters, on the same registry: initialised by an engine that runs the failover. */
    FailoverMetrics failover() {
        return failover;
    }

    /** When each node was last heard, per partition. */
    NodesHeardMetrics nodesHeard() {
        return nodesHeard;
    }

    void received(Envelope envelope, long nowMillis) {
        eventsCounter(envelope.kind().wire()).increment();
        eventDelay.record(
                Duration.ofMillis(Math.max(0, nowMillis - envelope.ts().toEpochMilli())));
        // (the codec refuses timestamps that do not fit epoch milliseconds)
    }

    void forwarded(Alert alert, long nowMillis) {
        counter(
                        records,
                        alert.change().wire() + "/" + alert.state().wire(),
                        "vigil_engine_alert_records",
                        "change",
                        "alert records published to vigil.alerts")
                .increment();
        if (alert.change() != io.vigil.events.AlertChange.RESEND) {
            alert.cause()
                    .ifPresent(c ->
                            eventToAlert.record(Duration.ofMillis(Math.max(0, nowMillis - c.ts().toEpochMilli()))));
        }
    }

    void deadLettered(String reason) {
        String category = reason.startsWith("unreadable")
                ? "unreadable"
                : reason.startsWith("key ")
                        ? "wrong-key"
                        : reason.startsWith(UnreadableValues.REASON_PREFIX) ? "unreadable-state" : "engine-error";
        deadLetterCounter(category).increment();
    }

    /** A record Kafka refused to take: skipped so that the engine goes on (see UndeliverableRecords). */
    void recordDropped(String topic) {
        recordsDropped(topic, 1);
    }

    private void recordsDropped(String topic, int count) {
        dropped.computeIfAbsent(
                        topic,
                        t -> Counter.builder("vigil_engine_records_dropped")
                                .description(
                                        "records the engine made but Kafka refused (too large, invalid): skipped, not retried for ever")
                                .tag("topic", t)
                                .register(registry))
                .increment(count);
    }

    void threadFailed() {
        threadFailures.increment();
    }

    /** A task evaluated something: the engine is not stuck. */
    void progressed(long nowMillis) {
        progressedAt.accumulateAndGet(nowMillis, Math::max);
    }

    /** When a task last made progress, in epoch milliseconds; empty before the first. */
    OptionalLong progressedAt() {
        long at = progressedAt.get();
        return at == 0 ? OptionalLong.empty() : OptionalLong.of(at);
    }

    @Override
    public void evaluated(Rule rule) {
        evaluationsCounter(rule).increment();
    }

    @Override
    public void failed(Rule rule, String message) {
        failuresCounter(rule).increment();
    }

    @Override
    public void refused(String cluster, Rule rule) {
        refusedCounter(rule).increment();
    }

    @Override
    public void dropped(String cluster, String node) {
        unknownNodeEvents.increment();
    }

    private Counter eventsCounter(String kind) {
        return counter(events, kind, "vigil_engine_events", "kind", "telemetry events taken in");
    }

    private Counter deadLetterCounter(String reason) {
        return counter(deadLetters, reason, "vigil_engine_dead_letters", "reason", "records sent to vigil.deadletter");
    }

    private Counter evaluationsCounter(Rule rule) {
        return counter(
                evaluations,
                rule.name(),
                "vigil_engine_rule_evaluations",
                "rule",
                "rule conditions evaluated on an event");
    }

    private Counter failuresCounter(Rule rule) {
        return counter(
                failures,
                rule.name(),
                "vigil_engine_rule_evaluation_failures",
                "rule",
                "rule evaluations that failed (the alerts keep their state)");
    }

    private Counter refusedCounter(Rule rule) {
        return counter(
                refused,
                rule.name(),
                "vigil_engine_alerts_refused",
                "rule",
                "new alerts not created: their cluster had as many pending or firing as its limit");
    }

    private Counter counter(Map<String, Counter> cache, String key, String name, String tag, String description) {
        return cache.computeIfAbsent(key, k -> {
            if (tag.equals("change")) {
                String[] parts = k.split("/", 2);
                return Counter.builder(name)
                        .description(description)
                        .tag("change", parts[0])
                        .tag("state", parts[1])
                        .register(registry);
            }
            return Counter.builder(name).description(description).tag(tag, k).register(registry);
        });
    }
}
