package io.vigil.collectors.schedule;

import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.Probe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.StreamingProbe;
import io.vigil.events.Body;
import io.vigil.service.config.DurationText;
import io.vigil.service.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probes: each {@link PolledProbe} every {@link PolledProbe#interval()} on a thread of its
 * own, first at a random moment within its interval (capped by {@link Timing#maxStartJitter}) so
 * the probes do not all fire at once; each {@link StreamingProbe} on its own thread, restarted with
 * backoff when it returns or throws. What the probes return goes to the sink; failures go to the
 * {@link ProbeHealthBoard} and the scheduler carries on.
 *
 * <p>A poll still running at its timeout is interrupted and counted as failed. The command runner
 * already kills a hung tool; this is the second fence, for a probe stuck anywhere else. A poll that
 * ignores the interrupt keeps its thread: that probe's next polls are skipped and reported as
 * failures until it returns, and the other probes are not affected.
 */
public final class ProbeScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);

    /**
     * @param maxStartJitter   the first poll of a probe comes at a random moment within
     *                         min(interval, this)
     * @param restartBackoff   wait before restarting a streaming probe that stopped; doubles up to
     *                         {@code maxRestartBackoff}, and starts over after a run that lasted longer
     * @param closeWait        how long {@link #close} waits for probe threads to end
     */
    public record Timing(
            Duration maxStartJitter, Duration restartBackoff, Duration maxRestartBackoff, Duration closeWait) {
        public static final Timing DEFAULT =
                new Timing(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(5));
    }

    private final List<Probe> probes;
    private final EventSink sink;
    private final ProbeHealthBoard board;
    private final Timing timing;
    private final ScheduledExecutorService timer;
    private final List<ExecutorService> pollThreads = new ArrayList<>();
    private final List<Thread> streamThreads = new ArrayList<>();
    private volatile boolean closing;
    private boolean started;

    public ProbeScheduler(List<? extends Probe> probes, EventSink sink, ProbeHealthBoard board) {
        this(probes, sink, board, Timing.DEFAULT);
    }

    public ProbeScheduler(List<? extends Probe> probes, EventSink sink, ProbeHealthBoard board, Timing timing) {
        this.probes = List.copyOf(probes);
        this.sink = Objects.requireNonNull(sink, "sink");
        this.board = Objects.requireNonNull(board, "board");
        this.timing = Objects.requireNonNull(timing, "timing");
        Set<String> names = new HashSet<>();
        for (Probe probe : this.probes) {
            if (!names.add(probe.name())) {
                throw new IllegalArgumentException(
                        "two probes are named '" + probe.name() + "'; each name must be unique");
            }
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("vigil-probe-timer"));
    }

    /** Starts every probe; call once. */
    public synchronized void start() {
        if (started || closing) {
            throw new IllegalStateException("the scheduler starts once");
        }
        started = true;
        for (Probe probe : probes) {
            board.register(probe.name());
            // Probe is sealed: a probe is one or the other
            if (probe instanceof PolledProbe polled) {
                schedule(polled);
            } else {
                follow((StreamingProbe) probe);
            }
        }
        log.info(
                "probes started: {}",
                probes.stream().map(ProbeScheduler::describe).toList());
    }

    private static String describe(Probe probe) {
        if (probe instanceof PolledProbe p) {
            return p.name() + " every " + DurationText.format(p.interval()) + " (timeout "
                    + DurationText.format(p.timeout()) + ")";
        }
        return probe.name() + " streaming";
    }

    private void schedule(PolledProbe probe) {
        ExecutorService thread = Executors.newSingleThreadExecutor(daemon("vigil-probe-" + probe.name()));
        pollThreads.add(thread);
        Polls polls = new Polls(probe, thread);
        long interval = Math.max(1, probe.interval().toMillis());
        long jitterBound =
                Math.max(1, Math.min(interval, timing.maxStartJitter().toMillis()));
        timer.scheduleAtFixedRate(
                polls::tick, ThreadLocalRandom.current().nextLong(jitterBound), interval, TimeUnit.MILLISECONDS);
    }

    private void follow(StreamingProbe probe) {
        Thread thread = daemon("vigil-probe-" + probe.name()).newThread(() -> stream(probe));
        streamThreads.add(thread);
        thread.start();
    }

    private void stream(StreamingProbe probe) {
        Backoff restarts = new Backoff(timing.restartBackoff(), timing.maxRestartBackoff());
        Duration backoff = restarts.first();
        while (!closing) {
            long startedAt = System.nanoTime();
            String why;
            try {
                probe.run(this::emit, board);
                why = "stopped on its own";
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                why = "failed unexpectedly: " + e;
                log.debug("streaming probe {} threw", probe.name(), e);
            }
            if (closing) {
                return;
            }
            backoff = restarts.afterTry(backoff, Duration.ofNanos(System.nanoTime() - startedAt));
            board.failed(probe.name(), why + "; restarting in " + DurationText.format(backoff));
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = restarts.next(backoff);
        }
    }

    private void emit(Body body) {
        try {
            sink.emit(body);
        } catch (RuntimeException e) {
            // the publisher spools and never throws by contract; if it does, the probe must not die of it
            log.error(
                    "could not hand a {} event to the publisher: {}",
                    body.kind().wire(),
                    e.toString());
        }
    }

    /** Stops every probe: interrupts running polls and streams, and waits up to closeWait for them. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        timer.shutdownNow();
        pollThreads.forEach(ExecutorService::shutdownNow);
        streamThreads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + timing.closeWait().toNanos();
        try {
            for (ExecutorService thread : pollThreads) {
                thread.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            for (Thread thread : streamThreads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streamThreads.stream()
                .filter(Thread::isAlive)
                .forEach(t -> log.warn(
                        "{} did not stop within {}; left behind (daemon)",
                        t.getName(),
                        DurationText.format(timing.closeWait())));
        if (pollThreads.stream().anyMatch(t -> !t.isTerminated())) {
            log.warn("a poll did not stop within {}; left behind (daemon)", DurationText.format(timing.closeWait()));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The polls of one probe; at most one runs at a time. */
    private final class Polls {
        private final PolledProbe probe;
        private final ExecutorService thread;
        private Attempt current; // touched only on the timer thread

        Polls(PolledProbe probe, ExecutorService thread) {
            this.probe = probe;
            this.thread = thread;
        }

        void tick() {
            if (closing) {
                return;
            }
            if (current != null && !current.returned) {
                if (current.state.get() == Attempt.EXPIRED) {
                    board.failed(
                            probe.name(),
                            "the poll interrupted at its " + DurationText.format(probe.timeout())
                                    + " timeout has still not returned; skipping this poll");
                }
                return; // a poll within its timeout just runs long: let it finish
            }
            Attempt attempt = new Attempt();
            current = attempt;
            attempt.future = thread.submit(() -> poll(attempt));
            timer.schedule(() -> expire(attempt), Math.max(1, probe.timeout().toMillis()), TimeUnit.MILLISECONDS);
        }

        private void poll(Attempt attempt) {
            long start = System.nanoTime();
            try {
                List<Body> bodies = probe.poll();
                if (attempt.finish()) {
                    board.recordDuration(probe.name(), Duration.ofNanos(System.nanoTime() - start));
                    bodies.forEach(ProbeScheduler.this::emit);
                    board.succeeded(probe.name());
                }
            } catch (ProbeException e) {
                if (attempt.finish()) {
                    board.recordDuration(probe.name(), Duration.ofNanos(System.nanoTime() - start));
                    board.failed(probe.name(), e.getMessage());
                }
            } catch (InterruptedException e) {
                // interrupted by its timeout (already reported) or by close(): nothing to report
                attempt.finish();
            } catch (RuntimeException e) {
                if (attempt.finish()) {
                    log.debug("probe {} threw", probe.name(), e);
                    board.recordDuration(probe.name(), Duration.ofNanos(System.nanoTime() - start));
                    board.failed(probe.name(), "failed unexpectedly: " + e);
                }
            } finally {
                attempt.returned = true;
            }
        }

        private void expire(Attempt attempt) {
            if (attempt.expire()) {
                attempt.future.cancel(true);
                board.recordDuration(probe.name(), probe.timeout());
                board.failed(
                        probe.name(),
                        "poll did not finish within its " + DurationText.format(probe.timeout())
                                + " timeout; interrupted");
            }
        }
    }

    /** One poll: whoever moves it out of RUNNING first (the poll or its timeout) reports it. */
    private static final class Attempt {
        static final int RUNNING = 0;
        static final int FINISHED = 1;
        static final int EXPIRED = 2;
        final AtomicInteger state = new AtomicInteger(RUNNING);
        volatile Future<?> future;
        volatile boolean returned;

        boolean finish() {
            return state.compareAndSet(RUNNING, FINISHED);
        }

        boolean expire() {
            return state.compareAndSet(RUNNING, EXPIRED);
        }
    }
}
