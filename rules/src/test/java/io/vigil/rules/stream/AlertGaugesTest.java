package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.events.AlertState;
import io.vigil.rules.rule.Severity;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** vigil_engine_alerts counts each cluster's alerts apart, so a wall's per-pair count is that pair's alone. */
@SuppressWarnings(
        "deprecation") // the simpleclient Prometheus registry (text format 0.0.4), as the agent and engine use it
class AlertGaugesTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AlertGauges.Held> held = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @Test
    void countsEachClustersAlertsApartAndGivesAClusterSeenLaterItsSeries() {
        AlertGauges.bind(
                registry,
                Set.of("pair-1", "pair-2"),
                Map.of("DrbdLocalDiskLost", Severity.CRITICAL, "NodeSilent", Severity.CRITICAL),
                () -> List.copyOf(held),
                clock::get);
        // before anything fires every cluster the config names has every series, at 0
        assertEquals(OptionalDouble.of(0), value("DrbdLocalDiskLost", "pair-1", "firing"));
        assertEquals(OptionalDouble.of(0), value("NodeSilent", "pair-2", "pending"));

        held.add(new AlertGauges.Held("pair-1", "DrbdLocalDiskLost", "critical", AlertState.FIRING));
        held.add(new AlertGauges.Held("pair-1", "DrbdLocalDiskLost", "critical", AlertState.FIRING));
        held.add(new AlertGauges.Held("pair-2", "DrbdLocalDiskLost", "critical", AlertState.FIRING));
        held.add(new AlertGauges.Held("pair-3", "NodeSilent", "critical", AlertState.PENDING));
        clock.addAndGet(2_000);
        registry.scrape(); // the counts are read at most once a second, and a cluster first seen gets its series then

        assertEquals(OptionalDouble.of(2), value("DrbdLocalDiskLost", "pair-1", "firing"));
        assertEquals(OptionalDouble.of(1), value("DrbdLocalDiskLost", "pair-2", "firing"));
        assertEquals(OptionalDouble.of(0), value("NodeSilent", "pair-2", "pending"));
        assertEquals(
                OptionalDouble.of(1),
                value("NodeSilent", "pair-3", "pending"),
                "a cluster the config does not name is counted too");
        assertEquals(OptionalDouble.of(0), value("DrbdLocalDiskLost", "pair-3", "firing"));
    }

    private OptionalDouble value(String alertname, String cluster, String state) {
        String series = "vigil_engine_alerts{alertname=\"" + alertname + "\",cluster=\"" + cluster
                + "\",severity=\"critical\",state=\"" + state + "\",} ";
        return registry.scrape()
                .lines()
                .filter(l -> l.startsWith(series))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length()).strip()))
                .findFirst();
    }
}
