package io.vigil.collectors;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.command.LocalHostFiles;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.executor.ActionConsumer;
import io.vigil.collectors.executor.ActionExecutor;
import io.vigil.collectors.heartbeat.HeartbeatProbe;
import io.vigil.collectors.metrics.HostStateMetrics;
import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.probe.Probe;
import io.vigil.collectors.schedule.ProbeHealthBoard;
import io.vigil.collectors.schedule.ProbeScheduler;
import io.vigil.events.EventKind;
import io.vigil.service.http.HttpEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent on one host, running: the probes it is given plus its own heartbeat, every event
 * seen by the host-state metrics on its way to the publisher, and /metrics served. Constructing it
 * starts it; {@link #close} stops it. Which probes run is the caller's choice (it maps the config
 * to probe objects), so the lab can hand in probes over its simulated hosts.
 *
 * <pre>
 * probes --> HostStateMetrics --> publisher (TelemetryPublisher: Kafka, spool)
 *                  |                     ^
 *             registry --> HttpEndpoint  |  ActionResult
 *                          (/metrics)    |
 * vigil.actions --> ActionConsumer --> ActionExecutor --> CommandRunner (when executor.enabled)
 * </pre>
 */
// the simpleclient Prometheus registry is deprecated upstream; the project chose it (text format 0.0.4)
@SuppressWarnings("deprecation")
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final ProbeHealthBoard board;
    private final HostStateMetrics hostState;
    private final HttpEndpoint endpoint;
    private final ProbeScheduler scheduler;
    private final Optional<ActionConsumer> actions;

    /** On the real host: /proc from the local filesystem, the system clock. */
    public Agent(AgentConfig config, List<Probe> probes, EventSink publisher, PrometheusMeterRegistry registry) {
        this(config, probes, publisher, registry, new LocalHostFiles(), Clock.systemUTC());
    }

    /**
     * @param files     where the heartbeat reads /proc/meminfo (a lab host answers it too)
     * @param publisher receives every event, in the order each probe emits it; must not block
     */
    public Agent(
            AgentConfig config,
            List<Probe> probes,
            EventSink publisher,
            PrometheusMeterRegistry registry,
            HostFiles files,
            Clock clock) {
        this(config, probes, publisher, registry, files, clock, Optional.empty());
    }

    /**
     * The same, with the action executor when this host runs one (executor.enabled): it consumes
     * vigil.actions until {@link #close}, which also closes it. Build it with
     * {@link ActionExecutor#create}, over the same publisher, runner and registry.
     */
    public Agent(
            AgentConfig config,
            List<Probe> probes,
            EventSink publisher,
            PrometheusMeterRegistry registry,
            HostFiles files,
            Clock clock,
            Optional<ActionExecutor> executor) {
        for (Probe probe : probes) {
            if (probe.name().equals(HeartbeatProbe.NAME)) {
                throw new IllegalArgumentException(
                        "the agent runs its own heartbeat; drop the probe named 'heartbeat'");
            }
        }
        board = new ProbeHealthBoard(registry, config.cluster(), config.node(), clock);
        hostState =
                new HostStateMetrics(registry, config.cluster(), config.node(), publisher, staleAfter(config), clock);
        List<Probe> all = new ArrayList<>(probes);
        all.add(new HeartbeatProbe(files, board::snapshot, config.heartbeat().interval(), clock));
        ProbeScheduler probeScheduler = new ProbeScheduler(all, hostState, board);
        endpoint = HttpEndpoint.metrics(registry, config.metrics().socketAddress());
        scheduler = probeScheduler;
        scheduler.start();
        actions = executor.map(e -> ActionConsumer.start(e, config.kafka()));
        log.info(
                "agent {} of cluster {} started (version {}), /metrics on port {}",
                config.node(),
                config.cluster(),
                HeartbeatProbe.agentVersion(),
                endpoint.port());
    }

    /**
     * How long a DRBD resource, drive or VM may go unreported before its series are removed: three
     * missed rounds of the probe that reports it, and the time one round may take.
     */
    static Map<EventKind, Duration> staleAfter(AgentConfig config) {
        AgentConfig.ProbeSettings p = config.probes();
        Map<EventKind, Duration> stale = new EnumMap<>(EventKind.class);
        stale.put(
                EventKind.DRBD,
                p.drbd().statisticsInterval().multipliedBy(3).plus(p.drbd().timeout()));
        stale.put(
                EventKind.DISK,
                p.smart().interval().multipliedBy(3).plus(p.smart().timeout()));
        stale.put(EventKind.LVM, p.lvm().interval().multipliedBy(3).plus(p.lvm().timeout()));
        stale.put(EventKind.VM, p.vm().interval().multipliedBy(3).plus(p.vm().timeout()));
        return stale;
    }

    /** The port /metrics is served on (the one picked when the config said port 0). */
    public int metricsPort() {
        return endpoint.port();
    }

    /** How each probe fares, as the heartbeat reports it. */
    public ProbeHealthBoard health() {
        return board;
    }

    /**
     * Stops the executor, the probes, then /metrics, and removes the host-state series from the
     * registry. An action still running two seconds into the stop is interrupted and its command
     * killed; after a restart it is reported FAILED, never run again (see {@link ActionConsumer#close}).
     */
    @Override
    public void close() {
        actions.ifPresent(ActionConsumer::close);
        scheduler.close();
        endpoint.close();
        hostState.clear();
        log.info("agent stopped");
    }
}
