package io.vigil.collectors.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.LoggedLines;
import io.vigil.events.ProbeHealth;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProbeHealthBoardTest {
    private static final Instant NOW = Instant.parse("2026-11-24T21:03:07Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProbeHealthBoard board =
            new ProbeHealthBoard(registry, "pair-1", "node-a", Clock.fixed(NOW, ZoneOffset.UTC));
    private final LoggedLines logged = LoggedLines.of(ProbeHealthBoard.class);

    @AfterEach
    void release() {
        logged.close();
    }

    private List<String> warnAndInfo() {
        return logged.lines();
    }

    @Test
    void theUpGaugeKeepsReadingWhenNobodyElseHoldsTheBoard() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        failSmartOn(registry);
        System.gc();
        assertEquals(
                0.0,
                registry.get("vigil.agent.probe.up")
                        .tag("probe", "smart")
                        .gauge()
                        .value());
    }

    private static void failSmartOn(SimpleMeterRegistry registry) {
        new ProbeHealthBoard(registry, "pair-1", "node-a", Clock.systemUTC()).failed("smart", "smartctl exited 2");
    }

    @Test
    void logsOnceWhenAProbeStartsFailingOnceWhenItsErrorChangesAndOnceWhenItRecovers() {
        board.succeeded("smart");
        board.failed("smart", "smartctl timed out after 30s");
        board.failed("smart", "smartctl timed out after 30s");
        board.failed("smart", "smartctl exited 2");
        board.failed("smart", "smartctl exited 2");
        board.succeeded("smart");
        board.succeeded("smart");
        assertEquals(
                List.of(
                        "probe smart failing: smartctl timed out after 30s (check that 'smartctl --scan-open --json' runs as the agent's user (root, for raw disk access))",
                        "probe smart still failing, now: smartctl exited 2",
                        "probe smart recovered after 4 failed runs (failing since 2026-11-24T21:03:07Z)"),
                warnAndInfo());
    }

    @Test
    void reportsEachProbesHealthForTheHeartbeat() {
        board.register("vm");
        board.succeeded("lvm");
        board.failed("drbd", "drbdsetup exited 10: no resources\u001b[2J");
        board.failed("drbd", "drbdsetup exited 10");
        assertEquals(
                List.of(
                        new ProbeHealth("drbd", false, 2, Optional.of("drbdsetup exited 10"), Optional.empty()),
                        new ProbeHealth("lvm", true, 0, Optional.empty(), Optional.of(NOW)),
                        new ProbeHealth("vm", false, 0, Optional.empty(), Optional.empty())),
                board.snapshot());
        assertEquals(
                2.0,
                registry.get("vigil.agent.probe.failures")
                        .tag("probe", "drbd")
                        .counter()
                        .count());
        assertEquals(
                0.0,
                registry.get("vigil.agent.probe.up").tag("probe", "vm").gauge().value());
    }

    @Test
    void makesControlCharactersInErrorsVisible() {
        board.failed("drbd", "bad\u001b[2Jline");
        assertEquals(
                "bad\\x1b[2Jline",
                board.health("drbd").orElseThrow().lastError().orElseThrow());
        assertTrue(warnAndInfo().get(0).contains("bad\\x1b[2Jline"));
    }

    @Test
    void keepsTheLastErrorAfterRecoveryForTheRecord() {
        board.failed("lvm", "vgs: command not found");
        board.succeeded("lvm");
        ProbeHealth health = board.health("lvm").orElseThrow();
        assertTrue(health.healthy());
        assertEquals(0, health.consecutiveFailures());
        assertEquals(Optional.of("vgs: command not found"), health.lastError());
        assertFalse(board.health("smart").isPresent());
    }
}
