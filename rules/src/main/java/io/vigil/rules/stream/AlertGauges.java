package io.vigil.rules.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.events.AlertState;
import io.vigil.rules.rule.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code vigil_engine_alerts{cluster,alertname,severity,state}}: the alerts pending and firing on
 * this instance, by cluster, name and severity, as Prometheus's own {@code ALERTS} has them, so a
 * wall counts each pair's alerts apart. Every alert the engine can raise is known when it starts
 * (the rules with their severity, Vigil's own alerts about a cluster, the failover's pages), and so
 * is every cluster its config names: each has its series from the start, at 0 while none is held.
 * A cluster the config does not name (the engine watches those too) gets its series when one of
 * its alerts is first counted.
 * The count is read from the stores at most once a second; until it could first be read (the engine
 * starting) every series is NaN: unknown is not zero.
 */
final class AlertGauges {
    /** One alert held: its name, severity and state. */
    record Held(String cluster, String alertname, String severity, AlertState state) {}

    private static final List<AlertState> STATES = List.of(AlertState.PENDING, AlertState.FIRING);

    private final MeterRegistry registry;
    private final Map<String, Severity> known;
    private final Supplier<List<Held>> held;
    private final LongSupplier clock;
    private final Set<String> clusters = ConcurrentHashMap.newKeySet();
    private volatile Optional<Counts> counts = Optional.empty();

    private record Counts(Map<Held, Integer> byAlert, long at) {}

    /**
     * @param known every alert name the engine can raise, with its severity
     * @param held  the alerts this instance holds now; throws while the engine is not ready
     */
    private AlertGauges(
            MeterRegistry registry, Map<String, Severity> known, Supplier<List<Held>> held, LongSupplier clock) {
        this.registry = registry;
        this.known = Map.copyOf(known);
        this.held = held;
        this.clock = clock;
    }

    /** @param clusters the clusters the engine config names */
    static AlertGauges bind(
            MeterRegistry registry,
            Set<String> clusters,
            Map<String, Severity> known,
            Supplier<List<Held>> held,
            LongSupplier clock) {
        AlertGauges gauges = new AlertGauges(registry, known, held, clock);
        clusters.forEach(gauges::register);
        return gauges;
    }

    /** Every known alert's series for {@code cluster}, once. */
    private void register(String cluster) {
        if (!clusters.add(cluster)) {
            return;
        }
        known.forEach((alertname, severity) -> {
            for (AlertState state : STATES) {
                Held series = new Held(cluster, alertname, severity.wire(), state);
                // a strong reference: nothing else holds these gauges' state, and a weak one reads NaN once it is
                // collected
                Gauge.builder("vigil_engine_alerts", this, g -> g.count(series))
                        .strongReference(true)
                        .description("alerts pending or firing on this instance, by cluster, name and severity "
                                + "(each instance holds its partitions' share)")
                        .tag("cluster", cluster)
                        .tag("alertname", alertname)
                        .tag("severity", severity.wire())
                        .tag("state", state.wire())
                        .register(registry);
            }
        });
    }

    private double count(Held series) {
        long now = clock.getAsLong();
        Optional<Counts> current = counts;
        if (current.isEmpty() || now - current.get().at() > 1000) {
            try {
                Map<Held, Integer> byAlert = new HashMap<>();
                held.get().forEach(h -> byAlert.merge(h, 1, Integer::sum));
                current = Optional.of(new Counts(byAlert, now));
                counts = current;
                byAlert.keySet().stream()
                        .filter(h -> known.containsKey(h.alertname()))
                        .forEach(h -> register(h.cluster()));
            } catch (RuntimeException e) {
                // not ready (starting or rebalancing): keep the last counts
            }
        }
        return current.map(c -> (double) c.byAlert().getOrDefault(series, 0)).orElse(Double.NaN);
    }
}
