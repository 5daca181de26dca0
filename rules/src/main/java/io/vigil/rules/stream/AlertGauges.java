package io.vigil.rules.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.events.AlertState;
import io.vigil.rules.rule.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code vigil_engine_alerts{alertname,severity,state}}: the alerts pending and firing on this
 * instance, by name and severity, as Prometheus's own {@code ALERTS} has them. Every alert the
 * engine can raise is known when it starts (the rules with their severity, Vigil's own alerts about
 * a cluster, the failover's pages), so each has its series from the start, at 0 while none is held.
 * The count is read from the stores at most once a second; until it could first be read (the engine
 * starting) every series is NaN: unknown is not zero.
 */
final class AlertGauges {
    /** One alert held: its name, severity and state. */
    record Held(String alertname, String severity, AlertState state) {
    }

    private static final List<AlertState> STATES = List.of(AlertState.PENDING, AlertState.FIRING);

    private final Supplier<List<Held>> held;
    private final LongSupplier clock;
    private volatile Optional<Counts> counts = Optional.empty();

    private record Counts(Map<Held, Integer> byAlert, long at) {
    }

    /**
     * @param known every alert name the engine can raise, with its severity
     * @param held  the alerts this instance holds now; throws while the engine is not ready
     */
    private AlertGauges(Supplier<List<Held>> held, LongSupplier clock) {
        this.held = held;
        this.clock = clock;
    }

    static AlertGauges bind(MeterRegistry registry, Map<String, Severity> known, Supplier<List<Held>> held, LongSupplier clock) {
        AlertGauges gauges = new AlertGauges(held, clock);
        known.forEach((alertname, severity) -> {
            for (AlertState state : STATES) {
                Held series = new Held(alertname, severity.wire(), state);
                // a strong reference: nothing else holds these gauges' state, and a weak one reads NaN once it is collected
                Gauge.builder("vigil_engine_alerts", gauges, g -> g.count(series)).strongReference(true)
                        .description("alerts pending or firing on this instance, by name and severity (each instance holds its partitions' share)")
                        .tag("alertname", alertname).tag("severity", severity.wire()).tag("state", state.wire()).register(registry);
            }
        });
        return gauges;
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
            } catch (RuntimeException e) {
                // not ready (starting or rebalancing): keep the last counts
            }
        }
        return current.map(c -> (double) c.byAlert().getOrDefault(series, 0)).orElse(Double.NaN);
    }
}
