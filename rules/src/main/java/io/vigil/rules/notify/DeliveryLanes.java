package io.vigil.rules.notify;

import io.vigil.rules.notify.Receiver.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Notifications on their way out, one lane (thread) per receiver: a receiver that hangs or keeps
 * failing holds up only itself, never the pager behind it, and one receiver hears its
 * notifications in the order they were handed over. What came of a delivery is handed back to
 * the notifier's thread through {@link #runCompleted()}. One instance lives for one term as the
 * active notifier; closing it interrupts the lanes and drops whatever they still had, so nothing
 * from an old term (settlements, log entries) reaches the next.
 */
final class DeliveryLanes implements AutoCloseable {
    /** What to do with a delivery's outcome, on the notifier's thread; {@code ended}: when the lane had it. */
    interface Then {
        void accept(Outcome outcome, Instant ended);
    }

    private final Clock clock;
    private final Map<String, ExecutorService> lanes = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> completed = new ConcurrentLinkedQueue<>();
    private volatile boolean open = true;

    DeliveryLanes(Collection<String> receivers, Clock clock) {
        this.clock = clock;
        receivers.forEach(name -> lanes.put(name, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vigil-deliver-" + name);
            t.setDaemon(true);
            return t;
        })));
    }

    /** Delivers {@code n} through {@code stages} (its receiver, behind whatever stages wrap it) on the lane of {@code n}'s receiver. */
    void deliver(Notification n, Receiver stages, Then then) {
        lanes.get(n.receiver()).execute(() -> {
            Outcome outcome;
            try {
                outcome = stages.deliver(n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = new Outcome.Retry("interrupted");
            }
            Outcome result = outcome;
            Instant ended = clock.instant();
            completed.add(() -> then.accept(result, ended));
        });
    }

    /** Runs {@code r} on the notifier's thread at its next {@link #runCompleted()}: how a lane tells it something. */
    void post(Runnable r) {
        completed.add(r);
    }

    /** Hands what was delivered since the last call to the notifier's thread. */
    void runCompleted() {
        if (!open) {
            return;
        }
        for (Runnable done = completed.poll(); done != null; done = completed.poll()) {
            done.run();
        }
    }

    @Override
    public void close() {
        // a lane interrupted now still hands back an outcome: it is never run
        open = false;
        lanes.values().forEach(ExecutorService::shutdownNow);
        completed.clear();
    }
}
