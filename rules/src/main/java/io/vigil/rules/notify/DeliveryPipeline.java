package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.dispatch.Dispatcher;
import io.vigil.rules.notify.dispatch.Flush;
import io.vigil.rules.notify.dispatch.RecordPosition;
import io.vigil.rules.notify.dispatch.RouteTree;
import io.vigil.rules.notify.nflog.KafkaNotificationLog;
import io.vigil.rules.notify.nflog.LogEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Delivery for one term as the active notifier, composed of small stages as Alertmanager's is:
 * alerts go into their route's groups (the dispatcher), or into the outbox of a receiver that
 * takes every change; a group's turn goes through the dedup stage (what the notification log says
 * the receiver was told), then its receiver's lane, the retry stage and one counted attempt; what
 * was delivered is written to the log and its records settled. Single-threaded: the notifier's
 * loop is its only caller; the lanes hand their outcomes back through {@link #step}.
 */
final class DeliveryPipeline implements AlertIntake.Target, AutoCloseable {
    /** How long one delivery is retried before its group waits for its next turn. */
    static final Duration DELIVERY_DEADLINE = Duration.ofMinutes(1);

    private final NotifyConfig config;
    private final RouteTree tree;
    private final Clock clock;
    private final KafkaNotificationLog nflog;
    private final Consumer<RecordPosition> settle;
    private final Dispatcher dispatcher = new Dispatcher();
    private final Map<String, Outbox> outboxes = new LinkedHashMap<>();
    private final DeliveryLanes lanes;
    private final DeliveryReport report;
    private final Map<String, Receiver> once = new HashMap<>();
    private final Map<String, Receiver> retried = new HashMap<>();

    /** {@code settle}: told of each record whose delivery is done. */
    DeliveryPipeline(
            NotifyConfig config,
            RouteTree tree,
            Map<String, Receiver> receivers,
            ReceiverHealth health,
            NotifierMetrics metrics,
            Clock clock,
            KafkaNotificationLog nflog,
            Consumer<RecordPosition> settle) {
        this(config, tree, receivers, health, metrics, clock, nflog, settle, d -> Thread.sleep(d.toMillis()));
    }

    DeliveryPipeline(
            NotifyConfig config,
            RouteTree tree,
            Map<String, Receiver> receivers,
            ReceiverHealth health,
            NotifierMetrics metrics,
            Clock clock,
            KafkaNotificationLog nflog,
            Consumer<RecordPosition> settle,
            RetryStage.Pause pause) {
        this.config = config;
        this.tree = tree;
        this.clock = clock;
        this.nflog = nflog;
        this.settle = settle;
        this.lanes = new DeliveryLanes(receivers.keySet(), clock);
        this.report = new DeliveryReport(health, metrics);
        for (ReceiverSpec spec : config.receivers()) {
            spec.outbox(config.resolvedResendFor()).ifPresent(outbox -> outboxes.put(spec.name(), outbox));
        }
        receivers.forEach((name, receiver) -> {
            Receiver attempt = new AttemptStage(receiver, metrics);
            once.put(name, attempt);
            retried.put(
                    name,
                    new RetryStage(
                            attempt,
                            clock,
                            pause,
                            DELIVERY_DEADLINE,
                            (r, why, at) -> lanes.post(() -> health.failed(r, why, at))));
        });
    }

    @Override
    public void regroup(Alert alert) {
        Instant now = clock.instant();
        for (RouteTree.Route route : tree.match(alert.labels())) {
            if (!outboxes.containsKey(route.spec().receiver())) {
                dispatcher.accept(alert, route, Optional.empty(), now);
            }
        }
    }

    @Override
    public AlertIntake.Taken take(Alert alert, RecordPosition position) {
        Instant now = clock.instant();
        int waits = 0;
        List<RecordPosition> done = new ArrayList<>();
        for (RouteTree.Route route : tree.match(alert.labels())) {
            Outbox outbox = outboxes.get(route.spec().receiver());
            if (outbox != null) {
                if (outbox.takes(alert)) {
                    outbox.offer(alert, Optional.of(position), now).ifPresent(done::add);
                    waits++;
                }
            } else {
                Dispatcher.Accepted accepted = dispatcher.accept(alert, route, Optional.of(position), now);
                done.addAll(accepted.superseded());
                waits += accepted.joined() ? 1 : 0;
            }
        }
        return new AlertIntake.Taken(waits, done);
    }

    /** Hands back what the lanes finished, then starts what is due: groups whose turn it is, and pushes. */
    void step(Instant now) {
        lanes.runCompleted();
        for (Flush flush : dispatcher.due(now)) {
            tell(flush, now);
        }
        outboxes.forEach((name, outbox) -> outbox.due(now).ifPresent(batch -> push(outbox, batch)));
    }

    /** A group's turn: told what the dedup stage decides, and the log updated once it is delivered. */
    private void tell(Flush flush, Instant now) {
        ReceiverSpec spec = config.receiver(flush.receiver()).orElseThrow();
        String groupKey = flush.key().toString();
        DedupStage.Decision decision =
                DedupStage.decide(flush, nflog.get(spec.name(), groupKey), spec, config.externalUrl(), now);
        if (decision instanceof DedupStage.Decision.LogOnly logOnly) {
            nflog.record(spec.name(), groupKey, logOnly.entry());
        }
        if (!(decision instanceof DedupStage.Decision.Send send)) {
            finish(flush, true);
            return;
        }
        deliver(send.notification(), send.news(), true, outcome -> {
            boolean delivered = !(outcome instanceof Outcome.Retry);
            if (delivered) {
                nflog.record(spec.name(), groupKey, new LogEntry(send.firing(), send.resolved(), clock.instant()));
            }
            finish(flush, delivered);
        });
    }

    private void finish(Flush flush, boolean delivered) {
        dispatcher.done(flush, delivered).forEach(settle);
    }

    private void push(Outbox outbox, Outbox.Batch batch) {
        deliver(
                batch.notification(config.externalUrl()),
                batch.news(),
                false,
                outcome -> outbox.done(batch, outcome, clock.instant()).forEach(settle));
    }

    /**
     * The notifier's own alert (a receiver failing, or recovered) to {@code receiver}: into its
     * outbox when it takes every change, else, unless {@code renewal}, told at once with retries.
     * A renewal keeps an outbox's copy from lapsing; the others were told already.
     */
    void tellOwn(String receiver, Alert alert, Notification asGroup, boolean renewal) {
        Outbox outbox = outboxes.get(receiver);
        if (outbox != null) {
            outbox.offer(alert, Optional.empty(), clock.instant());
        } else if (!renewal) {
            deliver(asGroup, List.of(), true, o -> {});
        }
    }

    private void deliver(Notification n, List<Alert> news, boolean retry, Consumer<Outcome> then) {
        Instant started = clock.instant();
        lanes.deliver(n, (retry ? retried : once).get(n.receiver()), (outcome, ended) -> {
            report.report(n, outcome, Duration.between(started, ended), news, ended, retry);
            then.accept(outcome);
        });
    }

    int groups() {
        return dispatcher.groups();
    }

    @Override
    public void close() {
        lanes.close();
    }
}
