package io.vigil.rules.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.events.Action;
import io.vigil.events.ActionType;
import io.vigil.rules.failover.ClusterFailovers;
import io.vigil.rules.failover.FailoverOutput;
import io.vigil.rules.failover.FailoverWay;
import io.vigil.rules.failover.Saga;
import io.vigil.rules.failover.SagaChange;
import io.vigil.rules.failover.SagaPhase;
import io.vigil.rules.failover.SagaStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The failover as Prometheus reads it, from what {@link ClusterFailovers} emits (the failover
 * package itself knows no metrics):
 *
 * <ul>
 *   <li>{@code vigil_failover_phase{cluster,resource,phase}}: 1 for the phase each resource held
 *       by this instance stands in ({@code Healthy} when no saga runs), 0 for the others;</li>
 *   <li>{@code vigil_failover_actions_total{type,outcome}}: actions sent, and how they ended
 *       (succeeded, failed, refused, timed-out);</li>
 *   <li>{@code vigil_failover_duration_seconds}: from a saga's start to its first FailedOver, once
 *       per saga;</li>
 *   <li>{@code vigil_failover_sagas_total{way,outcome}}: sagas ended, as failed-back (they had
 *       failed over), cleared (the failure went before anything was done) or dry-run.</li>
 * </ul>
 *
 * The phase gauges exist only for the resources of the tasks this instance holds: summed over
 * the instances, each resource is counted once.
 *
 * <p>The counters and the timer are not exactly-once: they count as the saga is processed, and a
 * transaction that is aborted (an instance dies or loses its task mid-commit) and reprocessed by
 * another instance may count the same action, outcome or saga end twice, once on each instance.
 * The sagas, actions and audit trail themselves are exactly-once; the metrics are for trends.
 */
final class FailoverMetrics {
    private final MeterRegistry registry;
    /** cluster/resource to the phase it stands in, read by its gauges. */
    private final Map<String, SagaPhase> phases = new ConcurrentHashMap<>();

    private final Map<String, List<Meter>> gauges = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** How an action ends, as {@code vigil_failover_actions_total} counts it ("sent" first). */
    private static final List<String> ACTION_OUTCOMES = List.of("sent", "succeeded", "failed", "refused", "timed-out");

    private static final List<String> SAGA_OUTCOMES = List.of("failed-back", "cleared", "dry-run");

    FailoverMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers every counter and the duration at zero, as Prometheus advises for series whose
     * labels are known in advance: a rate() over them, or "no failover yet", reads 0, not "no data".
     * Called when the engine runs the failover; an engine without it has no such series.
     */
    void initialise() {
        for (ActionType type : ActionType.values()) {
            ACTION_OUTCOMES.forEach(outcome -> actions(type.wire(), outcome));
        }
        for (FailoverWay way : FailoverWay.values()) {
            SAGA_OUTCOMES.forEach(outcome -> sagas(way.wire(), outcome));
        }
        duration();
    }

    /** A task took a resource over (at its start, from its store): its gauges show where it stands. */
    void holding(String cluster, String resource, Optional<Saga> current) {
        stands(cluster, resource, current.map(Saga::phase).orElse(SagaPhase.HEALTHY));
    }

    /** A task gave a resource up (it moved to another instance): its gauges go with it. */
    void released(String cluster, String resource) {
        String key = ClusterFailovers.key(cluster, resource);
        phases.remove(key);
        List<Meter> meters = gauges.remove(key);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** Counts what one input made the failover do. */
    void record(FailoverOutput output) {
        for (Action action : output.actions()) {
            actions(action.type().wire(), "sent").increment();
        }
        for (SagaChange change : output.changes()) {
            Saga after = change.after();
            stands(after.cluster(), after.resource(), after.phase());
            for (SagaStep step : after.steps().values()) {
                Optional<SagaStep> before = change.before().flatMap(b -> b.step(step.name()));
                ended(before, step);
            }
            // timed once, to the first arrival: a saga that goes back to FailedOver (a failback given up) is still one
            // failover
            boolean failedOverBefore = change.before()
                    .map(b -> visits(b, SagaPhase.FAILED_OVER) > 0)
                    .orElse(false);
            if (!failedOverBefore) {
                after.history().stream()
                        .filter(v -> v.phase() == SagaPhase.FAILED_OVER)
                        .findFirst()
                        .ifPresent(v -> duration().record(Duration.between(after.startedAt(), v.at())));
            }
            boolean endedBefore = change.before().map(b -> b.phase().ended()).orElse(false);
            if (after.phase().ended() && !endedBefore) {
                sagas(after.way().wire(), outcome(after)).increment();
            }
        }
    }

    /**
     * A step whose attempt ended since {@code before}: its outcome. An attempt that was waiting and
     * is replaced by the next one within one input timed out (the saga sends the next attempt in
     * the same breath as it gives up on the last).
     */
    private void ended(Optional<SagaStep> before, SagaStep step) {
        String type = step.type().wire();
        if (before.isPresent()
                && !before.get().actionId().equals(step.actionId())
                && before.get().waiting()) {
            actions(type, "timed-out").increment();
        }
        boolean sameAttemptEndedBefore = before.isPresent()
                && before.get().actionId().equals(step.actionId())
                && !before.get().waiting();
        if (sameAttemptEndedBefore) {
            return;
        }
        switch (step.status()) {
            case SUCCEEDED -> actions(type, "succeeded").increment();
            case FAILED -> actions(type, "failed").increment();
            case REFUSED -> actions(type, "refused").increment();
            case TIMED_OUT -> actions(type, "timed-out").increment();
            case SENT, RETRY_APPROVED -> {}
        }
    }

    private void stands(String cluster, String resource, SagaPhase phase) {
        String key = ClusterFailovers.key(cluster, resource);
        phases.put(key, phase);
        gauges.computeIfAbsent(key, k -> {
            List<Meter> meters = new ArrayList<>();
            for (SagaPhase p : SagaPhase.values()) {
                meters.add(Gauge.builder("vigil_failover_phase", phases, m -> m.get(k) == p ? 1 : 0)
                        .description(
                                "1 for the phase each resource's failover stands in (Healthy: none runs), 0 for the others")
                        .tag("cluster", cluster)
                        .tag("resource", resource)
                        .tag("phase", p.word())
                        .register(registry));
            }
            return meters;
        });
    }

    private Timer duration() {
        return Timer.builder("vigil_failover_duration")
                .description("from the start of a failover to FailedOver (its VMs run on the survivor)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    private Counter sagas(String way, String outcome) {
        return counter(
                "vigil_failover_sagas",
                "failovers that ended, by the way they took and how they ended",
                "way",
                way,
                "outcome",
                outcome);
    }

    private Counter actions(String type, String outcome) {
        return counter(
                "vigil_failover_actions",
                "failover actions sent to the executors (outcome sent) and how they ended",
                "type",
                type,
                "outcome",
                outcome);
    }

    private Counter counter(String name, String description, String tag1, String value1, String tag2, String value2) {
        return counters.computeIfAbsent(
                name + "/" + value1 + "/" + value2,
                k -> Counter.builder(name)
                        .description(description)
                        .tag(tag1, value1)
                        .tag(tag2, value2)
                        .register(registry));
    }

    private static long visits(Saga saga, SagaPhase phase) {
        return saga.history().stream().filter(v -> v.phase() == phase).count();
    }

    private static String outcome(Saga saga) {
        if (visits(saga, SagaPhase.DRY_RUN) > 0) {
            return "dry-run";
        }
        return visits(saga, SagaPhase.FAILED_OVER) > 0 ? "failed-back" : "cleared";
    }
}
