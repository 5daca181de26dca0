package io.vigil.rules.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.DecodeException;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.Receiver.Outcome;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
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
 * Alertmanager does (grouping, waits and intervals, muted alerts left out, resolves told), and
 * receivers that declare an outbox (an Alertmanager) pushed every change as Prometheus pushes them.
 *
 * <p>Nothing is lost and nothing sent twice: offsets are committed only for records whose
 * notifications were delivered (or needed none); what was told to whom is written to the
 * notification log on Kafka before that, and read back by a notifier that starts or takes over.
 * One notifier is active at a time: the one that holds the notification log's only partition in
 * the notifier's consumer group; the others wait, and the next takes over when it stops.
 * DeliveryLanes are retried with backoff; a receiver that keeps failing is announced through the
 * receivers that still work.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** After the active loop fails (the broker gone, say): how long to wait before reading everything again. */
    private static final Duration RECOVERY_PAUSE = Duration.ofSeconds(5);
    /** As the engine renews its firing alerts' leases (endsAt four minutes ahead). */
    private static final Duration SELF_ALERT_RENEWAL = Duration.ofMinutes(1);

    private final NotifyConfig config;
    private final Map<String, Object> kafka;
    private final String group;
    private final Optional<String> groupInstanceId;
    private final Map<String, Receiver> receivers;
    private final Clock clock;
    private final RouteTree tree;
    private final ReceiverHealth health;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean active = new AtomicBoolean();
    private final Thread thread;
    private final NotifierMetrics metrics;

    private volatile KafkaConsumer<String, byte[]> lease;
    private volatile boolean assigned;
    private volatile int groupsHeld;
    private volatile int unsettledRecords;

    /** What one term as the active notifier holds; dropped whole when it ends. */
    private ActiveTerm term;

    private final class ActiveTerm {
        final KafkaProducer<String, byte[]> producer;
        final KafkaNotificationLog nflog;
        final KafkaConsumer<String, byte[]> alerts;
        final Map<Integer, Long> committedAtStart = new HashMap<>();
        final Dispatcher dispatcher = new Dispatcher();
        final Settlement settlement = new Settlement();
        final DeliveryLanes deliveries = new DeliveryLanes(receivers, health, metrics, clock);
        final Map<String, Outbox> outboxes = new LinkedHashMap<>();
        final Map<String, Alert> raisedSelfAlerts = new HashMap<>();
        Instant lastCommit = Instant.EPOCH;
        Instant lastHousekeeping = Instant.EPOCH;
        Map<Integer, Long> committed = Map.of();

        ActiveTerm(KafkaProducer<String, byte[]> producer, KafkaNotificationLog nflog, KafkaConsumer<String, byte[]> alerts) {
            this.producer = producer;
            this.nflog = nflog;
            this.alerts = alerts;
            for (ReceiverSpec spec : config.receivers()) {
                spec.outbox(config.resolvedResendFor()).ifPresent(outbox -> outboxes.put(spec.name(), outbox));
            }
        }

        void close() {
            deliveries.close();
            alerts.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * {@code group}: the notifier's consumer group (the engine's application id and
     * "-notifier"): instances of one engine share it, and one of them notifies.
     */
    public Notifier(NotifyConfig config, Map<String, Object> kafka, String group, Map<String, Receiver> receivers,
                    MeterRegistry registry, Clock clock) {
        this(config, kafka, group, Optional.empty(), receivers, registry, clock);
    }

    /**
     * The same, the lease held under a fixed name ({@code group.instance.id}): a notifier restarted
     * after a crash takes the lease back at once instead of waiting for its old membership's session
     * to time out. It leaves the group when it closes, so that another instance takes over at once.
     */
    public Notifier(NotifyConfig config, Map<String, Object> kafka, String group, Optional<String> groupInstanceId,
                    Map<String, Receiver> receivers, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.kafka = Map.copyOf(kafka);
        this.group = group;
        this.groupInstanceId = groupInstanceId;
        this.receivers = Map.copyOf(receivers);
        this.clock = clock;
        this.tree = new RouteTree(config.route());
        this.health = new ReceiverHealth(config.receiverFailingAfter());
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
            Map<String, Object> leaseProps = consumerProps(group, "lease");
            groupInstanceId.ifPresent(id -> leaseProps.put("group.instance.id", id));
            lease = new KafkaConsumer<>(leaseProps, new StringDeserializer(), new ByteArrayDeserializer());
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
                    }
                }
            });
            while (running.get()) {
                try {
                    // while active, the lease's poll only keeps its membership (and sees our own log entries)
                    lease.poll(Duration.ofMillis(active.get() ? 0 : 200));
                    if (assigned && !active.get()) {
                        becomeActive();
                    } else if (!assigned && active.get()) {
                        becomeStandby("the lease moved to another instance");
                    }
                    if (active.get()) {
                        step();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    log.error("the notifier failed: {}; it reads the notification log and vigil.alerts again in {} (nothing"
                            + " delivered is told twice, nothing undelivered is lost)", e.toString(), DurationText.format(RECOVERY_PAUSE), e);
                    becomeStandby("recovering from a failure");
                    pause(RECOVERY_PAUSE);
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
                // a fixed-name member stays in the group on a plain close: leave, so another instance takes the lease at once
                lease.close(CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
            }
        }
    }

    /**
     * Reads the whole notification log, then rebuilds the groups from vigil.alerts (compacted: the
     * newest state of every alert) up to the committed offsets, and reads on from there for real.
     */
    private void becomeActive() {
        Map<String, Object> producerProps = new HashMap<>(kafka);
        producerProps.putAll(Topics.producerGuarantees());
        producerProps.put("client.id", group + "-log");
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        KafkaNotificationLog nflog = new KafkaNotificationLog(Topics.NOTIFICATIONS, producer);
        KafkaConsumer<String, byte[]> alerts = null;
        try {
            TopicPartition logPartition = new TopicPartition(Topics.NOTIFICATIONS, 0);
            lease.seekToBeginning(List.of(logPartition));
            long end = lease.endOffsets(List.of(logPartition)).get(logPartition);
            while (lease.position(logPartition) < end) {
                lease.poll(Duration.ofMillis(200)).forEach(r -> nflog.load(r.key(), r.value()));
            }
            alerts = new KafkaConsumer<>(consumerProps(group + "-delivery", "alerts"), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = alerts.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.ALERTS, p.partition())).toList();
            alerts.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = alerts.committed(Set.copyOf(partitions));
            alerts.seekToBeginning(partitions);
            ActiveTerm t = new ActiveTerm(producer, nflog, alerts);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                long from = at == null ? 0 : at.offset();
                t.committedAtStart.put(tp.partition(), from);
                t.settlement.startAt(tp.partition(), from);
            }
            rebuild(t, partitions);
            term = t;
        } catch (RuntimeException e) {
            if (alerts != null) {
                alerts.close(Duration.ofSeconds(5));
            }
            producer.close(Duration.ofSeconds(5));
            throw e;
        }
        active.set(true);
        log.info("notifier active: {} notification log entries read; {} receivers; groups rebuilt from {}, notifying from its"
                + " last delivered offsets", nflog.size(), receivers.size(), Topics.ALERTS);
    }

    /**
     * Reads every partition up to its committed offset before any group is looked at: a group's
     * alerts are spread over partitions, and a group judged on some of them would look resolved,
     * or new, to the notification log.
     */
    private void rebuild(ActiveTerm t, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = t.alerts.endOffsets(partitions);
        int read = 0;
        while (partitions.stream().anyMatch(tp -> t.alerts.position(tp) < Math.min(ends.get(tp), t.committedAtStart.get(tp.partition())))) {
            for (ConsumerRecord<String, byte[]> record : t.alerts.poll(Duration.ofMillis(200))) {
                take(t, record);
                read++;
            }
        }
        log.info("notifier: groups rebuilt, {} records of {} read", read, Topics.ALERTS);
    }

    private void becomeStandby(String why) {
        if (!active.getAndSet(false)) {
            return;
        }
        log.info("notifier standing by: {}", why);
        ActiveTerm t = term;
        term = null;
        groupsHeld = 0;
        unsettledRecords = 0;
        if (t != null) {
            t.close();
        }
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
        ActiveTerm t = term;
        for (ConsumerRecord<String, byte[]> record : t.alerts.poll(Duration.ofMillis(100))) {
            take(t, record);
        }
        t.deliveries.runCompleted();
        Instant now = clock.instant();
        for (Flush flush : t.dispatcher.due(now)) {
            notify(t, flush, now);
        }
        for (Outbox outbox : t.outboxes.values()) {
            outbox.due(now).ifPresent(batch -> push(t, outbox, batch));
        }
        if (Duration.between(t.lastHousekeeping, now).compareTo(Duration.ofSeconds(1)) >= 0) {
            t.lastHousekeeping = now;
            announceFailingReceivers(t, now);
            t.nflog.expire(now);
        }
        if (Duration.between(t.lastCommit, now).compareTo(COMMIT_INTERVAL) >= 0) {
            t.lastCommit = now;
            commit(t);
        }
        groupsHeld = t.dispatcher.groups();
        unsettledRecords = t.settlement.waiting();
    }

    private void take(ActiveTerm t, ConsumerRecord<String, byte[]> record) {
        RecordPosition position = new RecordPosition(record.partition(), record.offset());
        // before the committed offset: told already, read again only to rebuild the groups
        boolean told = record.offset() < t.committedAtStart.getOrDefault(record.partition(), 0L);
        if (record.value() == null) {
            // the engine forgot an alert; its groups let go of it once they have told what they must
            if (!told) {
                t.settlement.read(position, 0);
            }
            return;
        }
        Alert alert;
        try {
            alert = WireCodec.decode(record.value(), Alert.class);
        } catch (DecodeException e) {
            if (!told) {
                log.warn("{}-{}@{} is not an alert the notifier can read, skipped: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                t.settlement.read(position, 0);
            }
            return;
        }
        Instant now = clock.instant();
        if (told) {
            for (RouteTree.Route route : tree.match(alert.labels())) {
                if (!t.outboxes.containsKey(route.spec().receiver())) {
                    t.dispatcher.accept(alert, route, Optional.empty(), now);
                }
            }
            return;
        }
        metrics.read(alert);
        int waits = 0;
        List<RecordPosition> done = new ArrayList<>();
        for (RouteTree.Route route : tree.match(alert.labels())) {
            Outbox outbox = t.outboxes.get(route.spec().receiver());
            if (outbox != null) {
                if (outbox.takes(alert)) {
                    outbox.offer(alert, Optional.of(position), now).ifPresent(done::add);
                    waits++;
                }
            } else {
                Dispatcher.Accepted accepted = t.dispatcher.accept(alert, route, Optional.of(position), now);
                done.addAll(accepted.superseded());
                waits += accepted.joined() ? 1 : 0;
            }
        }
        t.settlement.read(position, waits);
        done.forEach(t.settlement::settle);
    }

    private void push(ActiveTerm t, Outbox outbox, Outbox.Batch batch) {
        t.deliveries.deliver(batch.notification(config.externalUrl()), batch.news(), false, outcome -> outbox.done(batch, outcome, clock.instant()).forEach(t.settlement::settle));
    }

    /** A group's turn: told what the dedup stage decides, and the log updated once it is delivered. */
    private void notify(ActiveTerm t, Flush flush, Instant now) {
        ReceiverSpec spec = config.receiver(flush.receiver()).orElseThrow();
        String groupKey = flush.key().toString();
        DedupStage.Decision decision = DedupStage.decide(flush, t.nflog.get(spec.name(), groupKey), spec, config.externalUrl(), now);
        if (decision instanceof DedupStage.Decision.LogOnly logOnly) {
            t.nflog.record(spec.name(), groupKey, logOnly.entry());
        }
        if (!(decision instanceof DedupStage.Decision.Send send)) {
            finish(t, flush, true);
            return;
        }
        t.deliveries.deliver(send.notification(), send.news(), true, outcome -> {
            boolean done = !(outcome instanceof Outcome.Retry);
            if (done) {
                t.nflog.record(spec.name(), groupKey, new LogEntry(send.firing(), send.resolved(), clock.instant()));
            }
            finish(t, flush, done);
        });
    }

    private static void finish(ActiveTerm t, Flush flush, boolean delivered) {
        t.dispatcher.done(flush, delivered).forEach(t.settlement::settle);
    }

    /**
     * A receiver failing for {@code receiver_failing_after} is announced, once, through every
     * receiver that works, and its recovery too: the notifier's own alert, VigilReceiverFailing.
     * Alertmanagers hear it renewed every minute while it lasts, as they hear the engine's alerts,
     * or their copy would lapse at its endsAt.
     */
    private void announceFailingReceivers(ActiveTerm t, Instant now) {
        for (String name : receivers.keySet()) {
            Optional<ReceiverHealth.Failing> failing = health.longFailing(name, now);
            Alert raised = t.raisedSelfAlerts.get(name);
            if (failing.isPresent() && raised == null) {
                Alert alert = selfAlert(name, failing.get(), now, AlertState.FIRING, 1);
                t.raisedSelfAlerts.put(name, alert);
                log.error("receiver {} has failed since {}: {}; telling the other receivers", name, failing.get().since(),
                        failing.get().lastError());
                tellOthers(t, name, alert, true);
            } else if (failing.isPresent() && !raised.sentAt().plus(SELF_ALERT_RENEWAL).isAfter(now)) {
                Alert renewed = selfAlert(name, failing.get(), now, AlertState.FIRING, 1);
                t.raisedSelfAlerts.put(name, renewed);
                tellOthers(t, name, renewed, false);
            } else if (failing.isEmpty() && raised != null && health.up(name)) {
                t.raisedSelfAlerts.remove(name);
                Alert resolved = selfAlert(name, new ReceiverHealth.Failing(raised.activeAt(), ""), now, AlertState.RESOLVED, 2);
                log.info("receiver {} delivers again; telling the other receivers", name);
                tellOthers(t, name, resolved, true);
            }
        }
    }

    /** {@code everyone}: false for a renewal, which only Alertmanagers need. */
    private void tellOthers(ActiveTerm t, String failing, Alert alert, boolean everyone) {
        for (String other : receivers.keySet()) {
            if (other.equals(failing) || !health.up(other)) {
                continue;
            }
            Outbox outbox = t.outboxes.get(other);
            if (outbox != null) {
                outbox.offer(alert, Optional.empty(), clock.instant());
            } else if (everyone) {
                boolean firing = alert.state() == AlertState.FIRING;
                t.deliveries.deliver(new Notification(other, "vigil-notifier/" + failing, Map.of("receiver", failing),
                        firing ? List.of(alert) : List.of(), firing ? List.of() : List.of(alert), config.externalUrl()),
                        List.of(), true, o -> { });
            }
        }
    }

    private Alert selfAlert(String receiver, ReceiverHealth.Failing failing, Instant now, AlertState state, long version) {
        Map<String, String> labels = Map.of("alertname", "VigilReceiverFailing", "receiver", receiver, "severity", "critical");
        Map<String, String> annotations = Map.of(
                "summary", "Vigil cannot deliver notifications to " + receiver + " (since " + failing.since() + ")",
                "description", "Last error: " + failing.lastError() + ". Alerts routed only to " + receiver
                        + " reach nobody until it works again; check its config and reachability (vigil notify test " + receiver + ").");
        return OwnAlert.of(labels, annotations, state, version, failing.since(), now);
    }

    private static void commit(ActiveTerm t) {
        Map<Integer, Long> committable = t.settlement.committable();
        if (committable.equals(t.committed)) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        committable.forEach((p, o) -> offsets.put(new TopicPartition(Topics.ALERTS, p), new OffsetAndMetadata(o)));
        // the log entries of what was delivered are on the broker before the records they cover are committed
        t.producer.flush();
        t.alerts.commitSync(offsets, Duration.ofSeconds(10));
        t.committed = committable;
    }

    int groups() {
        return groupsHeld;
    }

    int unsettled() {
        return unsettledRecords;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
    }
}
