package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.service.config.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications on their way out, one lane (thread) per receiver: a receiver that hangs or keeps
 * failing holds up only itself, never the pager behind it, and one receiver hears its
 * notifications in the order they were handed over. What came of a delivery is handed back to
 * the notifier's thread through {@link #runCompleted()}. One instance lives for one term as the
 * active notifier; closing it drops whatever it still had, so nothing from an old term
 * (settlements, log entries) reaches the next.
 */
final class DeliveryLanes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryLanes.class);
    /** How long one delivery is retried before its group waits for its next turn. */
    static final Duration DELIVERY_DEADLINE = Duration.ofMinutes(1);

    private final Map<String, Receiver> receivers;
    private final ReceiverHealth health;
    private final NotifierMetrics metrics;
    private final Clock clock;
    private final Map<String, ExecutorService> lanes = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> completed = new ConcurrentLinkedQueue<>();
    private volatile boolean open = true;

    DeliveryLanes(Map<String, Receiver> receivers, ReceiverHealth health, NotifierMetrics metrics, Clock clock) {
        this.receivers = receivers;
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
        receivers.keySet().forEach(name -> lanes.put(name, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vigil-deliver-" + name);
            t.setDaemon(true);
            return t;
        })));
    }

    /**
     * Delivers {@code n} on its receiver's lane; with {@code retry}, failures worth it are tried
     * again with backoff (1 s doubling to 30 s) for {@link #DELIVERY_DEADLINE}. {@code then} runs
     * on the notifier's thread. {@code news}: the alerts whose time from publication to delivery
     * the metrics record.
     */
    void deliver(Notification n, List<Alert> news, boolean retry, Consumer<Outcome> then) {
        Receiver receiver = receivers.get(n.receiver());
        Instant started = clock.instant();
        lanes.get(n.receiver()).execute(() -> {
            Outcome outcome = retry ? withRetries(receiver, n) : once(receiver, n);
            Instant ended = clock.instant();
            completed.add(() -> {
                report(n, outcome, Duration.between(started, ended), news, ended, retry);
                then.accept(outcome);
            });
        });
    }

    /** Hands what was delivered since the last call to the notifier's thread. */
    void runCompleted() {
        for (Runnable done = completed.poll(); done != null; done = completed.poll()) {
            done.run();
        }
    }

    private void report(Notification n, Outcome outcome, Duration took, List<Alert> carried, Instant at, boolean retried) {
        if (outcome instanceof Outcome.Delivered d) {
            health.delivered(n.receiver());
            metrics.delivered(n.receiver(), took, carried, at);
            log.info("notified {}: {} ({} firing, {} resolved): {}", n.receiver(), Headline.of(n), n.firing().size(),
                    n.resolved().size(), d.answer());
        } else if (outcome instanceof Outcome.Refused r) {
            health.failed(n.receiver(), r.why(), at);
            metrics.failed(n.receiver(), "refused");
            log.error("{} refused a notification for good: {} (fix the receiver or its config; group {} is not tried again"
                    + " until it changes)", n.receiver(), r.why(), n.groupKey());
        } else if (outcome instanceof Outcome.Retry r) {
            health.failed(n.receiver(), r.why(), at);
            metrics.failed(n.receiver(), "unreachable");
            log.warn("{} could not be notified{}: {}; tried again later (vigil notify test {} checks it)", n.receiver(),
                    retried ? " within " + DurationText.format(DELIVERY_DEADLINE) : "", r.why(), n.receiver());
        }
    }

    private Outcome once(Receiver receiver, Notification n) {
        Outcome outcome;
        try {
            outcome = receiver.deliver(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry("interrupted");
        } catch (RuntimeException e) {
            outcome = new Outcome.Retry(receiver.name() + " failed: " + e);
        }
        metrics.attempt(receiver.name(), outcome);
        return outcome;
    }

    private Outcome withRetries(Receiver receiver, Notification n) {
        Duration backoff = Backoff.FIRST;
        Instant deadline = clock.instant().plus(DELIVERY_DEADLINE);
        while (true) {
            Outcome outcome = once(receiver, n);
            if (!(outcome instanceof Outcome.Retry r) || !open || Thread.currentThread().isInterrupted()) {
                return outcome;
            }
            // the receiver's health is known at the first failure, not when the retries are over
            Instant at = clock.instant();
            completed.add(() -> health.failed(receiver.name(), r.why(), at));
            if (at.plus(backoff).isAfter(deadline)) {
                return outcome;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            backoff = Backoff.doubled(backoff);
        }
    }

    @Override
    public void close() {
        open = false;
        lanes.values().forEach(ExecutorService::shutdownNow);
        completed.clear();
    }
}
