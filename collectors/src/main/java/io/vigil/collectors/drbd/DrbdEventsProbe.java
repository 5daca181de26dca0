package io.vigil.collectors.drbd;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.drbd.DrbdStateModel.PeerLink;
import io.vigil.collectors.drbd.DrbdUpdate.HelperUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.InitialStateDone;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.probe.ProbeHealthReporter;
import io.vigil.collectors.probe.StreamingProbe;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.service.retry.Backoff;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DRBD 9: follows {@code drbdsetup events2 --timestamps --statistics}, publishes every resource
 * once the initial dump ends ({@code exists -}) and each resource that changes afterwards. Every
 * {@code statisticsInterval} it merges a one-shot {@code drbdsetup events2 --now --timestamps
 * --statistics}, because counters are not streamed on their own. Every {@code latencyInterval}
 * it measures each connection's replication latency (see the package documentation for what
 * the two figures mean). When events2 exits it is restarted with exponential backoff (1 s
 * doubling to 60 s, back to 1 s after a run that lasted a healthy minute), and the exit is
 * reported to the health reporter with the tail of its stderr. A line that cannot be read is
 * reported (with resource and line number) and the stream carries on. Failures are the health
 * reporter's to log, once and again when they change: on a host without the DRBD module events2
 * exits at every restart, and that must not be a log line a minute for ever.
 */
public final class DrbdEventsProbe implements StreamingProbe {
    static final String NAME = "drbd";
    static final Command EVENTS = Command.of("drbdsetup", "events2", "--timestamps", "--statistics");
    static final Command NOW = Command.of("drbdsetup", "events2", "--now", "--timestamps", "--statistics");
    static final Path DEBUGFS_RESOURCES = Path.of("/sys/kernel/debug/drbd/resources");
    private static final Logger log = LoggerFactory.getLogger(DrbdEventsProbe.class);

    /** How events2 is restarted when it exits: after 1 s, doubling to 60 s. */
    static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    private final CommandRunner runner;
    private final HostFiles files;
    private final Duration statisticsInterval;
    private final Duration timeout;
    private final Duration latencyInterval;
    private final Backoff backoff;
    private final DrbdStateModel model = new DrbdStateModel();
    private boolean followedBefore; // only the probe's thread reads and writes it

    public DrbdEventsProbe(
            CommandRunner runner,
            HostFiles files,
            Duration statisticsInterval,
            Duration timeout,
            Duration latencyInterval) {
        this(runner, files, statisticsInterval, timeout, latencyInterval, RESTART);
    }

    DrbdEventsProbe(
            CommandRunner runner,
            HostFiles files,
            Duration statisticsInterval,
            Duration timeout,
            Duration latencyInterval,
            Backoff backoff) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.files = Objects.requireNonNull(files, "files");
        this.statisticsInterval = positive("statisticsInterval", statisticsInterval);
        this.timeout = positive("timeout", timeout);
        this.latencyInterval = positive("latencyInterval", latencyInterval);
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    private static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": must be a positive duration, not " + d);
        }
        return d;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(EventSink sink, ProbeHealthReporter health) throws InterruptedException {
        Duration delay = backoff.first();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            synchronized (model) {
                model.restart();
            }
            AtomicInteger lineNumber = new AtomicInteger();
            long started = System.nanoTime();
            String failure;
            try (RunningCommand events =
                    runner.start(EVENTS, line -> onLine(line, lineNumber.incrementAndGet(), sink, health))) {
                if (followedBefore) {
                    log.debug("drbd: following '{}' again", EVENTS);
                } else {
                    log.info("drbd: following '{}'", EVENTS);
                    followedBefore = true;
                }
                failure = follow(events, sink, health);
            } catch (CommandException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                failure = "cannot start '" + EVENTS + "': " + e.getMessage();
            }
            delay = backoff.afterTry(delay, Duration.ofNanos(System.nanoTime() - started));
            health.failed(NAME, failure);
            log.debug("drbd: {}; restarting in {} ms", failure, delay.toMillis());
            Thread.sleep(delay.toMillis());
            delay = backoff.next(delay);
        }
    }

    /** Waits for events2 to exit, refreshing statistics and latency meanwhile; returns why it ended. */
    private String follow(RunningCommand events, EventSink sink, ProbeHealthReporter health)
            throws InterruptedException {
        long nextStatistics = System.nanoTime() + statisticsInterval.toNanos();
        long nextLatency = System.nanoTime() + latencyInterval.toNanos();
        while (true) {
            long wait = Math.max(1_000_000L, Math.min(nextStatistics, nextLatency) - System.nanoTime());
            OptionalInt exit = events.awaitExit(Duration.ofNanos(wait));
            if (exit.isPresent()) {
                return CommandResult.exitSummary(EVENTS, exit.getAsInt(), events.stderrTail());
            }
            long now = System.nanoTime();
            if (now >= nextStatistics) {
                refreshStatistics(sink, health);
                nextStatistics = System.nanoTime() + statisticsInterval.toNanos();
            }
            if (now >= nextLatency) {
                measureLatency(sink);
                nextLatency = System.nanoTime() + latencyInterval.toNanos();
            }
        }
    }

    private void onLine(String line, int number, EventSink sink, ProbeHealthReporter health) {
        try {
            ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parseLine("drbdsetup events2", number, line);
            for (ParseProblem problem : parsed.problems()) {
                reportBadLine(problem, health);
            }
            for (DrbdUpdate update : parsed.values()) {
                List<DrbdResource> snapshots;
                synchronized (model) {
                    snapshots = model.apply(update);
                }
                snapshots.forEach(sink::emit);
                if (update instanceof InitialStateDone) {
                    log.info("drbd: initial state read, {} resources", snapshots.size());
                    health.succeeded(NAME);
                } else if (update instanceof HelperUpdate helper && helper.verb() == DrbdUpdate.Verb.CALL) {
                    String called = "drbd: resource {} peer {} called helper {}";
                    if (helper.partOfResync()) {
                        log.info(called, helper.resource(), helper.peer().orElse("-"), helper.helper());
                    } else {
                        log.warn(called, helper.resource(), helper.peer().orElse("-"), helper.helper());
                    }
                }
            }
        } catch (RuntimeException e) {
            // never let a surprise kill the runner's reader thread: the stream must go on
            log.error("drbd: events2 line {} could not be handled: {}", number, e.toString());
            health.failed(NAME, "events2 line " + number + ": " + e);
        }
    }

    private void reportBadLine(ParseProblem problem, ProbeHealthReporter health) {
        health.failed(
                NAME,
                problem + " (resource "
                        + DrbdEventsParser.resourceOf(problem.text()).orElse("-") + ")");
    }

    private void refreshStatistics(EventSink sink, ProbeHealthReporter health) throws InterruptedException {
        CommandResult result;
        try {
            result = runner.run(NOW, timeout);
        } catch (CommandException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            health.failed(NAME, "statistics refresh: " + e.getMessage());
            return;
        }
        if (result.exitCode() != 0) {
            health.failed(NAME, result.exitSummary());
            return;
        }
        ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parse("drbdsetup events2 --now", result.stdout());
        parsed.problems().forEach(p -> reportBadLine(p, health));
        List<DrbdResource> changed;
        synchronized (model) {
            changed = model.merge(parsed.values());
        }
        changed.forEach(sink::emit);
        if (parsed.clean()) {
            health.succeeded(NAME);
        }
    }

    private void measureLatency(EventSink sink) throws InterruptedException {
        List<PeerLink> links;
        synchronized (model) {
            links = model.peerLinks();
        }
        Map<String, Optional<Double>> roundTrips = new HashMap<>();
        Map<PeerLink, ReplicationLatency> measured = new LinkedHashMap<>();
        for (PeerLink link : links) {
            Optional<String> ip = link.peerAddress().flatMap(PeerAddress::ipOf);
            Optional<Double> roundTrip = Optional.empty();
            if (ip.isPresent()) {
                if (!roundTrips.containsKey(ip.get())) {
                    roundTrips.put(ip.get(), ping(ip.get()));
                }
                roundTrip = roundTrips.get(ip.get());
            } else if (link.peerAddress().isPresent()) {
                log.debug(
                        "drbd: resource {} peer {}: path address {} is not a plain IP; not pinged",
                        link.resource(),
                        link.peer(),
                        link.peerAddress().get());
            }
            measured.put(link, new ReplicationLatency(roundTrip, oldestRequest(link)));
        }
        List<DrbdResource> changed;
        synchronized (model) {
            changed = model.latencies(measured);
        }
        changed.forEach(sink::emit);
    }

    private Optional<Double> ping(String ip) throws InterruptedException {
        Command ping = Command.of("ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", ip);
        try {
            return PingSummary.averageSeconds(runner.run(ping, timeout).stdout());
        } catch (CommandException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            log.debug("drbd: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Double> oldestRequest(PeerLink link) {
        // names were checked by the parser (no '/', no ".."), so this stays under debugfs
        Path file = DEBUGFS_RESOURCES
                .resolve(link.resource())
                .resolve("connections")
                .resolve(link.peer())
                .resolve("oldest_requests");
        try {
            return files.read(file).flatMap(OldestRequests::oldestAgeSeconds);
        } catch (IOException e) {
            return Optional.empty(); // debugfs unmounted or not readable: not measured
        }
    }
}
