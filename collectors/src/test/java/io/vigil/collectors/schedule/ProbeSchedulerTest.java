package io.vigil.collectors.schedule;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.ProbeHealthReporter;
import io.vigil.collectors.probe.StreamingProbe;
import io.vigil.events.Body;
import io.vigil.events.LvmReport;
import io.vigil.events.ProbeHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ProbeScheduler.Timing FAST = new ProbeScheduler.Timing(
            Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(3));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProbeHealthBoard board = new ProbeHealthBoard(registry, "pair-1", "node-a", Clock.systemUTC());
    private final Queue<Body> emitted = new ConcurrentLinkedQueue<>();
    private ProbeScheduler scheduler;

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    /** A polled probe whose poll is the lambda given. */
    private record TestProbe(String name, Duration interval, Duration timeout, Poll body) implements PolledProbe {
        interface Poll {
            List<Body> run() throws ProbeException, InterruptedException;
        }

        @Override
        public List<Body> poll() throws ProbeException, InterruptedException {
            return body.run();
        }
    }

    private static final Body REPORT = new LvmReport(List.of(), List.of());

    private void start(List<? extends io.vigil.collectors.probe.Probe> probes) {
        scheduler = new ProbeScheduler(probes, emitted::add, board, FAST);
        scheduler.start();
    }

    private ProbeHealth health(String probe) {
        return board.health(probe).orElseThrow();
    }

    @Test
    void pollsEachProbeOnItsIntervalAndEmitsWhatItReturns() {
        AtomicInteger polls = new AtomicInteger();
        start(List.of(new TestProbe("lvm", Duration.ofMillis(50), Duration.ofMillis(40), () -> {
            polls.incrementAndGet();
            return List.of(REPORT);
        })));
        await().atMost(WAIT).until(() -> polls.get() >= 3);
        assertTrue(emitted.size() >= 2 && emitted.stream().allMatch(REPORT::equals));
        ProbeHealth health = health("lvm");
        assertTrue(health.healthy());
        assertEquals(0, health.consecutiveFailures());
        assertTrue(health.lastSuccess().isPresent());
        assertTrue(registry.get("vigil.agent.probe.duration")
                        .tag("probe", "lvm")
                        .timer()
                        .count()
                >= 2);
        assertEquals(
                1.0,
                registry.get("vigil.agent.probe.up").tag("probe", "lvm").gauge().value());
    }

    @Test
    void aFailingProbeIsRecordedAndTheOthersCarryOn() {
        AtomicInteger good = new AtomicInteger();
        start(List.of(
                new TestProbe("smart", Duration.ofMillis(30), Duration.ofMillis(20), () -> {
                    throw new ProbeException("smartctl: /dev/sda: no such device");
                }),
                new TestProbe("crashy", Duration.ofMillis(30), Duration.ofMillis(20), () -> {
                    throw new IllegalStateException("parser bug");
                }),
                new TestProbe("lvm", Duration.ofMillis(30), Duration.ofMillis(20), () -> {
                    good.incrementAndGet();
                    return List.of(REPORT);
                })));
        await().atMost(WAIT)
                .until(() -> health("smart").consecutiveFailures() >= 3
                        && health("crashy").consecutiveFailures() >= 3
                        && good.get() >= 3);
        assertFalse(health("smart").healthy());
        assertEquals(
                "smartctl: /dev/sda: no such device",
                health("smart").lastError().orElseThrow());
        assertEquals(
                "failed unexpectedly: java.lang.IllegalStateException: parser bug",
                health("crashy").lastError().orElseThrow());
        assertTrue(health("lvm").healthy());
        assertTrue(registry.get("vigil.agent.probe.failures")
                        .tag("probe", "smart")
                        .counter()
                        .count()
                >= 3);
        assertEquals(
                0.0,
                registry.get("vigil.agent.probe.up")
                        .tag("probe", "smart")
                        .gauge()
                        .value());
    }

    @Test
    void interruptsAPollThatRunsPastItsTimeoutAndPollsAgain() {
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        start(List.of(new TestProbe("vm", Duration.ofMillis(200), Duration.ofMillis(50), () -> {
            polls.incrementAndGet();
            try {
                new CountDownLatch(1).await(); // hangs until interrupted
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return List.of(REPORT);
        })));
        await().atMost(WAIT).until(() -> interrupted.get() >= 2);
        assertTrue(polls.get() >= 2, "the probe is polled again after a timeout");
        ProbeHealth health = health("vm");
        assertFalse(health.healthy());
        assertEquals(
                "poll did not finish within its 50ms timeout; interrupted",
                health.lastError().orElseThrow());
        assertTrue(emitted.isEmpty(), "a poll cut off at its timeout emits nothing");
    }

    @Test
    void aPollThatIgnoresTheInterruptIsReportedUntilItReturnsAndDoesNotBlockOthers() {
        AtomicBoolean release = new AtomicBoolean();
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        start(List.of(
                new TestProbe("stuck", Duration.ofMillis(40), Duration.ofMillis(20), () -> {
                    polls.incrementAndGet();
                    while (!release.get()) {
                        Thread.onSpinWait(); // deaf to interrupts, like a probe stuck in native code
                    }
                    return List.of(REPORT);
                }),
                new TestProbe("lvm", Duration.ofMillis(40), Duration.ofMillis(20), () -> {
                    other.incrementAndGet();
                    return List.of();
                })));
        await().atMost(WAIT).until(() -> health("stuck").consecutiveFailures() >= 3);
        assertEquals(1, polls.get(), "no second poll starts while the first one still runs");
        assertTrue(
                health("stuck").lastError().orElseThrow().contains("has still not returned"),
                health("stuck").lastError().orElseThrow());
        await().atMost(WAIT).until(() -> other.get() >= 3);
        release.set(true);
        await().atMost(WAIT).until(() -> polls.get() >= 2 && health("stuck").healthy());
    }

    @Test
    void restartsAStreamingProbeThatReturnsOrThrows() {
        AtomicInteger runs = new AtomicInteger();
        start(List.of(new StreamingProbe() {
            @Override
            public String name() {
                return "drbd";
            }

            @Override
            public void run(EventSink sink, ProbeHealthReporter health) {
                sink.emit(REPORT);
                health.succeeded("drbd");
                if (runs.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException("events2 parser bug");
                }
            }
        }));
        await().atMost(WAIT).until(() -> runs.get() >= 4);
        assertTrue(emitted.size() >= 4);
        await().atMost(WAIT).until(() -> !health("drbd").healthy());
        String error = health("drbd").lastError().orElseThrow();
        assertTrue(
                error.startsWith("stopped on its own; restarting in")
                        || error.startsWith("failed unexpectedly: java.lang.IllegalStateException: events2 parser bug"),
                error);
    }

    @Test
    void closeStopsStreamingAndPollingThreads() {
        CountDownLatch streaming = new CountDownLatch(1);
        start(List.of(
                new StreamingProbe() {
                    @Override
                    public String name() {
                        return "drbd";
                    }

                    @Override
                    public void run(EventSink sink, ProbeHealthReporter health) throws InterruptedException {
                        streaming.countDown();
                        new CountDownLatch(1).await();
                    }
                },
                new TestProbe(
                        "hang", Duration.ofMillis(30), Duration.ofSeconds(30).dividedBy(1000), () -> {
                            new CountDownLatch(1).await();
                            return List.of();
                        })));
        await().atMost(WAIT).until(() -> streaming.getCount() == 0 && probeThreads() == 3);
        scheduler.close();
        await().atMost(WAIT).until(() -> probeThreads() == 0);
    }

    @Test
    void refusesTwoProbesWithOneName() {
        TestProbe a = new TestProbe("lvm", Duration.ofSeconds(1), Duration.ofSeconds(1), List::of);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new ProbeScheduler(List.of(a, a), emitted::add, board));
        assertEquals("two probes are named 'lvm'; each name must be unique", e.getMessage());
    }

    private static long probeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("vigil-probe-"))
                .count();
    }
}
