package io.vigil.collectors.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vigil.collectors.probe.ProbeHealthReporter;
import io.vigil.events.Name;
import io.vigil.events.ProbeHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each probe fares, for the heartbeat ({@link #snapshot}) and for Prometheus:
 * {@code vigil_agent_probe_up} (1 after a success, 0 after a failure or before the first run),
 * {@code vigil_agent_probe_failures_total} and {@code vigil_agent_probe_duration_seconds}, each
 * tagged with the probe, and with cluster and node as every series of the agent is. It logs one line when a probe starts failing, with the error and what to
 * check, one when the error changes, and one when it recovers, never one per failed run.
 */
public final class ProbeHealthBoard implements ProbeHealthReporter {
    private static final Logger log = LoggerFactory.getLogger(ProbeHealthBoard.class);
    // what an operator checks by hand when a probe fails; the error itself says what failed
    private static final Map<String, String> CHECK = Map.of(
            "drbd", "that the drbd module is loaded and 'drbdsetup events2 --now' runs as the agent's user",
            "smart", "that 'smartctl --scan-open --json' runs as the agent's user (root, for raw disk access)",
            "lvm", "that 'vgs' and 'lvs' run as the agent's user",
            "vm", "that libvirtd runs and 'virsh -c URI list --all' (or 'xl list') answers as the agent's user",
            "heartbeat", "that /proc/meminfo is readable");

    private final MeterRegistry registry;
    private final Tags base;
    private final Clock clock;
    private final Map<String, Entry> entries = new TreeMap<>();

    public ProbeHealthBoard(MeterRegistry registry, String cluster, String node, Clock clock) {
        this.registry = registry;
        this.base = Tags.of("cluster", Name.check("cluster", cluster), "node", Name.check("node", node));
        this.clock = clock;
    }

    /** Makes a probe known before its first run, so a probe that never reports shows up as not up. */
    public synchronized void register(String probe) {
        entry(probe);
    }

    @Override
    public synchronized void succeeded(String probe) {
        Entry entry = entry(probe);
        if (entry.consecutiveFailures > 0) {
            log.info(
                    "probe {} recovered after {} failed runs (failing since {})",
                    probe,
                    entry.consecutiveFailures,
                    entry.failingSince);
        }
        entry.consecutiveFailures = 0;
        entry.lastSuccess = Optional.of(clock.instant());
        entry.up.set(1);
    }

    @Override
    public synchronized void failed(String probe, String error) {
        Entry entry = entry(probe);
        String printable = printable(error == null ? "unknown error" : error);
        if (entry.consecutiveFailures == 0) {
            entry.failingSince = clock.instant();
            log.warn(
                    "probe {} failing: {} (check {})",
                    probe,
                    printable,
                    CHECK.getOrDefault(probe, "the tools this probe runs, by hand"));
        } else if (!entry.lastError.equals(Optional.of(printable))) {
            log.warn("probe {} still failing, now: {}", probe, printable);
        } else {
            log.debug("probe {} still failing: {}", probe, printable);
        }
        entry.consecutiveFailures++;
        entry.lastError = Optional.of(printable);
        entry.up.set(0);
        entry.failures.increment();
    }

    /** How long one poll took (a poll cut off at its timeout counts the timeout). */
    public void recordDuration(String probe, Duration took) {
        Entry entry;
        synchronized (this) {
            entry = entry(probe);
        }
        entry.duration.record(took);
    }

    /** Every known probe's health, by name. */
    public synchronized List<ProbeHealth> snapshot() {
        return entries.entrySet().stream()
                .map(e -> e.getValue().health(e.getKey()))
                .toList();
    }

    public synchronized Optional<ProbeHealth> health(String probe) {
        return Optional.ofNullable(entries.get(probe)).map(e -> e.health(probe));
    }

    /** Control characters made visible (a tool's stderr may carry any), length capped for the heartbeat. */
    static String printable(String error) {
        return Name.printable(error, 1000);
    }

    private Entry entry(String probe) {
        return entries.computeIfAbsent(
                Name.check("probe", probe), name -> new Entry(registry, base.and("probe", name)));
    }

    private static final class Entry {
        final AtomicInteger up = new AtomicInteger();
        final Counter failures;
        final Timer duration;
        long consecutiveFailures;
        Optional<String> lastError = Optional.empty();
        Optional<Instant> lastSuccess = Optional.empty();
        Instant failingSince;

        Entry(MeterRegistry registry, Tags tags) {
            // a strong reference: the gauge must read the probe's state for as long as it is registered,
            // whoever else still holds this board
            Gauge.builder("vigil.agent.probe.up", up, AtomicInteger::get)
                    .strongReference(true)
                    .description("1 when the probe's last run succeeded, 0 after a failure or before its first run")
                    .tags(tags)
                    .register(registry);
            failures = Counter.builder("vigil.agent.probe.failures")
                    .description("Probe runs that failed (error, timeout, or a streaming tool that stopped)")
                    .tags(tags)
                    .register(registry);
            duration = Timer.builder("vigil.agent.probe.duration")
                    .description("How long one poll of the probe took")
                    .tags(tags)
                    .register(registry);
        }

        ProbeHealth health(String probe) {
            return new ProbeHealth(probe, up.get() == 1, consecutiveFailures, lastError, lastSuccess);
        }
    }
}
