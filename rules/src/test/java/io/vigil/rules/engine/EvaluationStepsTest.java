package io.vigil.rules.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.ReplicationState;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationStepsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private static final String RULES = """
            rules:
              - alert: DrbdLocalDiskLost
                on: drbd
                each: body.devices
                when: body.role == "Primary" && it.disk in ["Failed", "Diskless"]
                severity: critical
                labels: {volume: "{{it.volume}}"}
              - alert: DrbdDisconnected
                on: drbd
                when: body.connections.exists(c, c.connection != "Connected")
                for: 10s
                severity: warning
              - alert: NodeSilent
                absent: heartbeat
                for: 15s
                severity: critical
            """;
    private static final EngineTiming TIMING = new EngineTiming(
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofMinutes(4),
            Duration.ofSeconds(10),
            Duration.ofHours(1),
            Duration.ofMinutes(15));

    private final EngineTables tables = EngineTables.inMemory();
    /** The rule whose next alert fails to be counted: the failure between a step's writes and its records. */
    private String failOn = "";

    private final List<Alert> published = new ArrayList<>();
    private EvaluationSteps steps;
    private long seq;

    private void start() throws Exception {
        RuleSet rules = RuleLoader.parse("test.yaml", RULES);
        EvaluationListener listener = new EvaluationListener() {
            @Override
            public void published(Alert alert) {
                if (alert.rule().equals(failOn)) {
                    failOn = "";
                    throw new IllegalStateException("injected: counting " + alert.rule() + " failed");
                }
            }
        };
        steps = new EvaluationSteps(
                tables,
                staged -> new RuleEvaluator(
                        rules,
                        Roster.empty(),
                        TIMING,
                        EngineLimits.DEFAULTS,
                        staged,
                        new Suppression(List::of, rules.inhibitRules()),
                        listener,
                        T0,
                        cluster -> true));
    }

    private void send(Body body, int second) {
        Instant at = T0.plusSeconds(second);
        steps.onEvent(
                Envelope.of("pair-1", "node-a", ++seq, at, body), null, at, out -> published.addAll(out.alerts()));
    }

    private void tick(int second) {
        steps.onTick(T0.plusSeconds(second), out -> published.addAll(out.alerts()));
    }

    /** Everything the tables hold, as text: what survives the instance. */
    private Map<String, String> stored() {
        Map<String, String> all = new java.util.TreeMap<>();
        tables.scopes()
                .all()
                .forEach(e -> all.put("scope " + e.getKey(), e.getValue().toString()));
        tables.presence()
                .all()
                .forEach(e -> all.put("presence " + e.getKey(), e.getValue().toString()));
        tables.previous()
                .all()
                .forEach(e -> all.put("previous " + e.getKey(), e.getValue().toString()));
        return all;
    }

    private List<AlertState> publishedOf(String rule) {
        return published.stream()
                .filter(a -> a.rule().equals(rule))
                .map(Alert::state)
                .toList();
    }

    @Test
    void anEventWhoseStepFailsAfterItsWritesLeavesTheTablesAsTheyWereAndItsRetryPublishesTheAlertOnce()
            throws Exception {
        start();
        send(Bodies.healthyPrimary("r0"), 0);
        Map<String, String> before = stored();
        failOn = "DrbdLocalDiskLost";
        Envelope lost = Envelope.of("pair-1", "node-a", ++seq, T0.plusSeconds(1), Bodies.diskLost("r0"));
        assertThrows(
                IllegalStateException.class,
                () -> steps.onEvent(lost, null, T0.plusSeconds(1), out -> published.addAll(out.alerts())));
        assertEquals(before, stored(), "the failed step wrote nothing");

        steps.onEvent(lost, null, T0.plusSeconds(2), out -> published.addAll(out.alerts()));
        send(Bodies.diskLost("r0"), 3);
        tick(4);
        assertEquals(List.of(AlertState.FIRING), publishedOf("DrbdLocalDiskLost"));
    }

    @Test
    void aTickWhoseStepFailsAfterItsWritesLeavesTheTablesAsTheyWereAndTheNextTickPublishesTheAlertOnce()
            throws Exception {
        start();
        send(
                Bodies.drbd(
                        "r0",
                        DrbdRole.PRIMARY,
                        DiskState.UP_TO_DATE,
                        ConnectionState.CONNECTING,
                        ReplicationState.OFF,
                        DiskState.DUNKNOWN,
                        0),
                0);
        assertEquals(List.of(AlertState.PENDING), publishedOf("DrbdDisconnected"));
        tick(5);
        Map<String, String> before = stored();
        failOn = "DrbdDisconnected";
        assertThrows(IllegalStateException.class, () -> tick(10));
        assertEquals(before, stored(), "the failed tick wrote nothing");

        tick(11);
        tick(12);
        assertEquals(List.of(AlertState.PENDING, AlertState.FIRING), publishedOf("DrbdDisconnected"));
    }
}
