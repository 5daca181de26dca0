package io.vigil.rules.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.DecodeException;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.ReceiverSpec.AlertmanagerSpec;
import io.vigil.rules.notify.dispatch.Dispatcher;
import io.vigil.rules.notify.dispatch.Flush;
import io.vigil.rules.notify.dispatch.RecordPosition;
import io.vigil.rules.notify.dispatch.RouteTree;
import io.vigil.rules.notify.nflog.KafkaNotificationLog;
import io.vigil.rules.notify.nflog.LogEntry;
import io.vigil.service.config.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people: reads vigil.alerts and notifies the receivers the route tree names, the way
 * Alertmanager does (grouping, waits and intervals, muted alerts left out, resolves told), with
 * Alertmanager receivers pushed every change as Prometheus pushes them.
 *
 * <p>Nothing is lost and nothing sent twice: offsets are committed only for records whose
 * notifications were delivered (or needed none); what was told to whom is written to the
 * notification log on Kafka before that, and read back by a notifier that starts or takes over.
 * One notifier is active at a time: the one that holds the notification log's only partition in
 * the notifier's consumer group; the others wait, and the next takes over when it stops.
 * Deliveries are retried with backoff; a receiver that keeps failing is announced through the
 * receivers that still work.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** How long one delivery is retried before the group waits for its next turn. */
    static final Duration DELIVERY_DEADLINE = Duration.ofMinutes(1);
    private static final Duration RESOLVED_RESEND = Duration.ofMinutes(1);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    private final NotifyConfig config;
    private final Map<String, Object> kafka;
    private final String group;
    private final Map<String, Receiver> receivers;
    private final Clock clock;
    private final RouteTree tree;
    private final ReceiverHealth health;
    private final ExecutorService deliveries;
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean active = new AtomicBoolean();
    private final Thread thread;
    private final NotifierMetrics metrics;

    private KafkaConsumer<String, byte[]> lease;
    private KafkaConsumer<String, byte[]> alerts;
    private KafkaProducer<String, byte[]> producer;
    private KafkaNotificationLog nflog;
    private Dispatcher dispatcher;
    private Settlement settlement = new Settlement();
    private final Map<String, Map<String, ResolvedPush>> resolvedPushes = new HashMap<>();
    private final Map<String, Alert> raisedSelfAlerts = new HashMap<>();
    private Instant lastCommit = Instant.EPOCH;
    private Instant lastHousekeeping = Instant.EPOCH;
    private volatile boolean assigned;

    private record ResolvedPush(Alert alert, Instant until, Instant next) {
    }

    /**
     * {@code group}: the notifier's consumer group (the engine's application id and
     * "-notifier"): instances of one engine share it, and one of them notifies.
     */
    public Notifier(NotifyConfig config, Map<String, Object> kafka, String group, Map<String, Receiver> receivers,
                    MeterRegistry registry, Clock clock) {
        this.config = config;
        this.kafka = Map.copyOf(kafka);
        this.group = group;
        this.receivers = Map.copyOf(receivers);
        this.clock = clock;
        this.tree = new RouteTree(config.route());
        this.health = new ReceiverHealth(config.receiverFailingAfter());
        AtomicInteger n = new AtomicInteger();
        this.deliveries = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "vigil-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.metrics = new NotifierMetrics(registry, receivers.keySet(), this);
        this.thread = new Thread(this::run, "vigil-notifier");
    }

    public Notifier start() {
        thread.start();
        return this;
    }

    /** Whether this instance is the one notifying. */
    public boolean active() {
        return active.get();
    }

    boolean receiverUp(String receiver) {
        return health.up(receiver);
    }

    private void run() {
        try {
            lease = new KafkaConsumer<>(consumerProps(group, "lease"), new StringDeserializer(), new ByteArrayDeserializer());
            lease.subscribe(List.of(Topics.NOTIFICATIONS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        assigned = false;
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        assigned = true;
                        lease.seekToBeginning(partitions);
                    }
                }
            });
            while (running.get()) {
                var leaseRecords = lease.poll(Duration.ofMillis(active.get() ? 0 : 200));
                if (assigned && !active.get()) {
                    becomeActive(leaseRecords);
                } else if (!assigned && active.get()) {
                    becomeStandby("the lease moved to another instance");
                }
                if (active.get()) {
                    step();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("the notifier stopped: {}; notifications stop until the engine restarts (another engine instance takes over)",
                    e.toString(), e);
        } finally {
            becomeStandby("stopping");
            if (lease != null) {
                lease.close(Duration.ofSeconds(5));
            }
        }
    }

    private void becomeActive(Iterable<ConsumerRecord<String, byte[]>> firstRecords) {
        Map<String, Object> producerProps = new HashMap<>(kafka);
        producerProps.putAll(Topics.producerGuarantees());
        producerProps.put("client.id", group + "-log");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        nflog = new KafkaNotificationLog(Topics.NOTIFICATIONS, producer);
        // the whole log, to its end, before anything is told
        firstRecords.forEach(r -> nflog.load(r.key(), r.value()));
        TopicPartition logPartition = new TopicPartition(Topics.NOTIFICATIONS, 0);
        long end = lease.endOffsets(List.of(logPartition)).get(logPartition);
        while (lease.position(logPartition) < end) {
            lease.poll(Duration.ofMillis(200)).forEach(r -> nflog.load(r.key(), r.value()));
        }
        alerts = new KafkaConsumer<>(consumerProps(group + "-delivery", "alerts"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = alerts.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(Topics.ALERTS, p.partition())).toList();
        alerts.assign(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = alerts.committed(Set.copyOf(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            if (at == null) {
                alerts.seekToBeginning(List.of(tp));
            } else {
                alerts.seek(tp, at.offset());
            }
        }
        dispatcher = new Dispatcher(tree);
        settlement = new Settlement();
        active.set(true);
        log.info("notifier active: {} notification log entries read; {} receivers; reading {} from the last delivered offsets",
                nflog.size(), receivers.size(), Topics.ALERTS);
    }

    private void becomeStandby(String why) {
        if (!active.getAndSet(false)) {
            return;
        }
        log.info("notifier standing by: {}", why);
        if (alerts != null) {
            alerts.close(Duration.ofSeconds(5));
            alerts = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        dispatcher = null;
        resolvedPushes.clear();
        completions.clear();
    }

    private Map<String, Object> consumerProps(String groupId, String purpose) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put("group.id", groupId);
        props.put("client.id", groupId + "-" + purpose);
        props.put("enable.auto.commit", "false");
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        props.putIfAbsent("session.timeout.ms", "10000");
        props.putIfAbsent("heartbeat.interval.ms", "1000");
        // the lease stays where it is when another instance joins
        props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return props;
    }

    /** One turn of the active notifier's loop. */
    private void step() {
        for (ConsumerRecord<String, byte[]> record : alerts.poll(Duration.ofMillis(100))) {
            take(record);
        }
        Instant now = clock.instant();
        for (Runnable done = completions.poll(); done != null; done = completions.poll()) {
            done.run();
        }
        for (Flush flush : dispatcher.due(now)) {
            notify(flush, now);
        }
        pushResolvedAgain(now);
        if (Duration.between(lastHousekeeping, now).compareTo(Duration.ofSeconds(1)) >= 0) {
            lastHousekeeping = now;
            announceFailingReceivers(now);
            nflog.expire(now);
        }
        if (Duration.between(lastCommit, now).compareTo(COMMIT_INTERVAL) >= 0) {
            lastCommit = now;
            commit();
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        RecordPosition position = new RecordPosition(record.partition(), record.offset());
        if (record.value() == null) {
            // the engine forgot an alert; groups let go of theirs once they have told what they must
            settlement.read(position, 0);
            return;
        }
        Alert alert;
        try {
            alert = WireCodec.decode(record.value(), Alert.class);
        } catch (DecodeException e) {
            log.warn("{}-{}@{} is not an alert the notifier can read, skipped: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            settlement.read(position, 0);
            return;
        }
        metrics.read(alert);
        int waits = 0;
        for (RouteTree.Route route : tree.match(alert.labels())) {
            ReceiverSpec spec = config.receiver(route.spec().receiver()).orElseThrow();
            if (spec instanceof AlertmanagerSpec) {
                if (pushToAlertmanager(spec.name(), alert, position)) {
                    waits++;
                }
            } else if (dispatcher.accept(alert, position, clock.instant())) {
                waits++;
            }
        }
        settlement.read(position, waits);
    }

    /** Alertmanager hears every change and every renewed lease of what is not muted, at once. */
    private boolean pushToAlertmanager(String receiver, Alert alert, RecordPosition position) {
        if (alert.state() == AlertState.PENDING || alert.state() == AlertState.INACTIVE || alert.suppressed()) {
            return false;
        }
        if (alert.state() == AlertState.RESOLVED) {
            Instant now = clock.instant();
            resolvedPushes.computeIfAbsent(receiver, r -> new LinkedHashMap<>())
                    .put(alert.fingerprint(), new ResolvedPush(alert, now.plus(config.resolvedResendFor()), now.plus(RESOLVED_RESEND)));
        } else {
            Map<String, ResolvedPush> pushes = resolvedPushes.get(receiver);
            if (pushes != null) {
                pushes.remove(alert.fingerprint());
            }
        }
        Notification n = new Notification(receiver, "alertmanager/" + alert.fingerprint(), Map.of(),
                alert.state() == AlertState.FIRING ? List.of(alert) : List.of(), alert.state() == AlertState.RESOLVED ? List.of(alert) : List.of(),
                config.externalUrl());
        deliver(n, List.of(alert), outcome -> settlement.settle(position));
        return true;
    }

    private void pushResolvedAgain(Instant now) {
        resolvedPushes.forEach((receiver, pushes) -> {
            pushes.entrySet().removeIf(e -> !e.getValue().until().isAfter(now));
            List<Alert> due = new ArrayList<>();
            pushes.replaceAll((fp, push) -> {
                if (!push.next().isAfter(now)) {
                    due.add(push.alert());
                    return new ResolvedPush(push.alert(), push.until(), now.plus(RESOLVED_RESEND));
                }
                return push;
            });
            if (!due.isEmpty()) {
                deliver(new Notification(receiver, "alertmanager/resolved", Map.of(), List.of(), due, config.externalUrl()), due, o -> { });
            }
        });
    }

    /** A group's turn: muted alerts left out, and told only what the receiver has not been told yet. */
    private void notify(Flush flush, Instant now) {
        ReceiverSpec spec = config.receiver(flush.receiver()).orElseThrow();
        String groupKey = flush.key().toString();
        Optional<LogEntry> last = nflog.get(spec.name(), groupKey);
        List<Alert> firing = flush.alerts().stream().filter(a -> a.state() == AlertState.FIRING && !a.suppressed()).toList();
        Set<String> told = last.map(e -> union(e.firing(), e.resolved())).orElse(Set.of());
        List<Alert> resolved = flush.alerts().stream().filter(a -> a.state() == AlertState.RESOLVED && told.contains(a.fingerprint())).toList();
        Set<String> firingKeys = fingerprints(firing);
        Set<String> resolvedKeys = fingerprints(resolved);
        if (!LogEntry.needsUpdate(last, firingKeys, resolvedKeys, spec.sendResolved(), flush.repeatInterval(), now)) {
            finish(flush, true);
            return;
        }
        Notification n = new Notification(spec.name(), groupKey, flush.key().labels(), firing,
                spec.sendResolved() ? resolved : List.of(), config.externalUrl());
        if (n.firing().isEmpty() && n.resolved().isEmpty()) {
            // all resolved, and this receiver is not told of resolves: the log still learns it
            nflog.record(spec.name(), groupKey, new LogEntry(firingKeys, resolvedKeys, now));
            finish(flush, true);
            return;
        }
        deliver(n, n.all(), outcome -> {
            boolean done = !(outcome instanceof Outcome.Retry);
            if (done) {
                nflog.record(spec.name(), groupKey, new LogEntry(firingKeys, resolvedKeys, clock.instant()));
            }
            finish(flush, done);
        });
    }

    private void finish(Flush flush, boolean delivered) {
        dispatcher.done(flush, delivered);
        if (delivered) {
            flush.records().forEach(settlement::settle);
        }
    }

    /** Delivers on a delivery thread, retrying with backoff; {@code then} runs on the notifier's thread. */
    private void deliver(Notification n, List<Alert> alertsCarried, Consumer<Outcome> then) {
        Receiver receiver = receivers.get(n.receiver());
        Instant started = clock.instant();
        deliveries.submit(() -> {
            Outcome outcome = attempt(receiver, n);
            Instant ended = clock.instant();
            completions.add(() -> {
                if (outcome instanceof Outcome.Delivered d) {
                    health.delivered(n.receiver());
                    metrics.delivered(n.receiver(), Duration.between(started, ended), alertsCarried, ended);
                    log.info("notified {}: {} ({} firing, {} resolved): {}", n.receiver(), Headline.of(n), n.firing().size(),
                            n.resolved().size(), d.answer());
                } else if (outcome instanceof Outcome.Refused r) {
                    health.failed(n.receiver(), r.why(), ended);
                    metrics.failed(n.receiver(), "refused");
                    log.error("{} refused a notification and it is not retried: {} (fix the receiver's config; the group {} is"
                            + " marked told)", n.receiver(), r.why(), n.groupKey());
                } else if (outcome instanceof Outcome.Retry r) {
                    health.failed(n.receiver(), r.why(), ended);
                    metrics.failed(n.receiver(), "unreachable");
                    log.warn("{} could not be notified within {}: {}; tried again at the group's next turn", n.receiver(),
                            DurationText.format(DELIVERY_DEADLINE), r.why());
                }
                then.accept(outcome);
            });
            return null;
        });
    }

    private Outcome attempt(Receiver receiver, Notification n) {
        Duration backoff = FIRST_RETRY;
        Instant deadline = clock.instant().plus(DELIVERY_DEADLINE);
        while (true) {
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
            if (outcome instanceof Outcome.Retry r) {
                // the receiver's health is known at once, not when the retries are over
                Instant at = clock.instant();
                completions.add(() -> health.failed(receiver.name(), r.why(), at));
            }
            if (!(outcome instanceof Outcome.Retry) || !running.get() || clock.instant().plus(backoff).isAfter(deadline)) {
                return outcome;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
        }
    }

    /**
     * A receiver failing for {@code receiver_failing_after} is announced, once, through every
     * receiver that works, and its recovery too: the notifier's own alert, VigilReceiverFailing.
     */
    private void announceFailingReceivers(Instant now) {
        for (String name : receivers.keySet()) {
            Optional<ReceiverHealth.Failing> failing = health.longFailing(name, now);
            Alert raised = raisedSelfAlerts.get(name);
            if (failing.isPresent() && raised == null) {
                Alert alert = selfAlert(name, failing.get(), now, AlertState.FIRING, 1);
                raisedSelfAlerts.put(name, alert);
                log.error("receiver {} has failed since {}: {}; telling the other receivers", name, failing.get().since(),
                        failing.get().lastError());
                tellOthers(name, alert);
            } else if (failing.isEmpty() && raised != null && health.up(name)) {
                raisedSelfAlerts.remove(name);
                Alert resolved = selfAlert(name, new ReceiverHealth.Failing(raised.activeAt(), ""), now, AlertState.RESOLVED, 2);
                log.info("receiver {} delivers again; telling the other receivers", name);
                tellOthers(name, resolved);
            }
        }
    }

    private void tellOthers(String failing, Alert alert) {
        for (String other : receivers.keySet()) {
            if (other.equals(failing) || !health.up(other)) {
                continue;
            }
            boolean firing = alert.state() == AlertState.FIRING;
            deliver(new Notification(other, "vigil-notifier/" + failing, Map.of("receiver", failing),
                    firing ? List.of(alert) : List.of(), firing ? List.of() : List.of(alert), config.externalUrl()), List.of(alert), o -> { });
        }
    }

    private Alert selfAlert(String receiver, ReceiverHealth.Failing failing, Instant now, AlertState state, long version) {
        Map<String, String> labels = Map.of("alertname", "VigilReceiverFailing", "cluster", "vigil", "receiver", receiver,
                "severity", "critical");
        Map<String, String> annotations = Map.of(
                "summary", "Vigil cannot deliver notifications to " + receiver + " (since " + failing.since() + ")",
                "description", "Last error: " + failing.lastError() + ". Alerts routed only to " + receiver
                        + " reach nobody until it works again; check its config and reachability (vigil notify test " + receiver + ").");
        return new Alert(Alert.VERSION, AlertLabels.fingerprint(labels), "VigilReceiverFailing", state, version, AlertChange.STATE,
                labels, annotations, failing.since(), Optional.of(failing.since()),
                state == AlertState.RESOLVED ? Optional.of(now) : Optional.empty(), now.plus(Duration.ofMinutes(4)), now, false, false,
                List.of(), List.of(), Optional.empty());
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        settlement.committable().forEach((p, o) -> offsets.put(new TopicPartition(Topics.ALERTS, p), new OffsetAndMetadata(o)));
        if (!offsets.isEmpty()) {
            producer.flush();
            alerts.commitSync(offsets, Duration.ofSeconds(10));
        }
    }

    int groups() {
        Dispatcher d = dispatcher;
        return d == null ? 0 : d.groups();
    }

    int unsettled() {
        return settlement.waiting();
    }

    private static Set<String> fingerprints(List<Alert> alerts) {
        return alerts.stream().map(Alert::fingerprint).collect(Collectors.toSet());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    @Override
    public void close() {
        running.set(false);
        if (lease != null) {
            lease.wakeup();
        }
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliveries.shutdownNow();
        try {
            deliveries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
