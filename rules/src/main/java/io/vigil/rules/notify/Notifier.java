package io.vigil.rules.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.events.Topics;
import io.vigil.rules.notify.dispatch.RouteTree;
import io.vigil.rules.notify.nflog.KafkaNotificationLog;
import io.vigil.service.config.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * One notifier is active at a time ({@link NotifierLease}); while active, it reads
 * ({@link AlertIntake}) and delivers ({@link DeliveryPipeline}) for one term, dropped whole when the
 * lease moves or the broker fails; a receiver that keeps failing is announced through the
 * receivers that still work ({@link ReceiverFailingAlerts}).
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** After the active loop fails (the broker gone, say): how long to wait before reading everything again. */
    private static final Duration RECOVERY_PAUSE = Duration.ofSeconds(5);

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

    private volatile NotifierLease lease;
    private volatile int groupsHeld;
    private volatile int unsettledRecords;

    /** What one term as the active notifier holds; dropped whole when it ends. */
    private Term term;

    private static final class Term {
        final KafkaProducer<String, byte[]> producer;
        final KafkaNotificationLog nflog;
        final AlertIntake intake;
        final DeliveryPipeline pipeline;
        final ReceiverFailingAlerts failing;
        Instant lastCommit = Instant.EPOCH;
        Instant lastHousekeeping = Instant.EPOCH;

        Term(
                KafkaProducer<String, byte[]> producer,
                KafkaNotificationLog nflog,
                AlertIntake intake,
                DeliveryPipeline pipeline,
                ReceiverFailingAlerts failing) {
            this.producer = producer;
            this.nflog = nflog;
            this.intake = intake;
            this.pipeline = pipeline;
            this.failing = failing;
        }

        void close() {
            pipeline.close();
            intake.close();
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * {@code group}: the notifier's consumer group (the engine's application id and
     * "-notifier"): instances of one engine share it, and one of them notifies.
     */
    public Notifier(
            NotifyConfig config,
            Map<String, Object> kafka,
            String group,
            Map<String, Receiver> receivers,
            MeterRegistry registry,
            Clock clock) {
        this(config, kafka, group, Optional.empty(), receivers, registry, clock);
    }

    /**
     * The same, the lease held under a fixed name ({@code group.instance.id}): a notifier restarted
     * after a crash takes the lease back at once instead of waiting for its old membership's session
     * to time out. It leaves the group when it closes, so that another instance takes over at once.
     */
    public Notifier(
            NotifyConfig config,
            Map<String, Object> kafka,
            String group,
            Optional<String> groupInstanceId,
            Map<String, Receiver> receivers,
            MeterRegistry registry,
            Clock clock) {
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
            lease = new NotifierLease(leaseProps);
            while (running.get()) {
                try {
                    boolean held = lease.renew(Duration.ofMillis(active.get() ? 0 : 200));
                    if (held && !active.get()) {
                        becomeActive();
                    } else if (!held && active.get()) {
                        becomeStandby("the lease moved to another instance");
                    }
                    if (active.get()) {
                        step();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    log.error(
                            "the notifier failed: {}; it reads the notification log and vigil.alerts again in {} (nothing"
                                    + " delivered is told twice, nothing undelivered is lost)",
                            e.toString(),
                            DurationText.format(RECOVERY_PAUSE),
                            e);
                    becomeStandby("recovering from a failure");
                    pause(RECOVERY_PAUSE);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error(
                    "the notifier stopped: {}; notifications stop until the engine restarts (another engine instance takes over)",
                    e.toString(),
                    e);
        } finally {
            becomeStandby("stopping");
            if (lease != null) {
                lease.close();
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
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        AlertIntake intake = null;
        try {
            KafkaNotificationLog nflog = new KafkaNotificationLog(Topics.NOTIFICATIONS, producer);
            lease.readLog(nflog::load);
            intake = AlertIntake.open(consumerProps(group + "-delivery", "alerts"), metrics);
            DeliveryPipeline pipeline =
                    new DeliveryPipeline(config, tree, receivers, health, metrics, clock, nflog, intake::settle);
            intake.rebuild(pipeline);
            ReceiverFailingAlerts failing = new ReceiverFailingAlerts(
                    receivers.keySet(), health, pipeline, config.externalUrl(), nflog, clock.instant());
            term = new Term(producer, nflog, intake, pipeline, failing);
            log.info(
                    "notifier active: {} notification log entries read; {} receivers; groups rebuilt from {}, notifying from its"
                            + " last delivered offsets",
                    nflog.size(),
                    receivers.size(),
                    Topics.ALERTS);
        } catch (RuntimeException e) {
            if (intake != null) {
                intake.close();
            }
            producer.close(Duration.ofSeconds(5));
            throw e;
        }
        active.set(true);
    }

    private void becomeStandby(String why) {
        if (!active.getAndSet(false)) {
            return;
        }
        log.info("notifier standing by: {}", why);
        Term t = term;
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
        Term t = term;
        t.intake.poll(Duration.ofMillis(100), t.pipeline);
        Instant now = clock.instant();
        t.pipeline.step(now);
        if (Duration.between(t.lastHousekeeping, now).compareTo(Duration.ofSeconds(1)) >= 0) {
            t.lastHousekeeping = now;
            t.failing.check(now);
            t.nflog.expire(now);
        }
        if (Duration.between(t.lastCommit, now).compareTo(COMMIT_INTERVAL) >= 0) {
            t.lastCommit = now;
            t.intake.commit(t.producer::flush);
        }
        groupsHeld = t.pipeline.groups();
        unsettledRecords = t.intake.unsettled();
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
        NotifierLease l = lease;
        if (l != null) {
            l.wakeup();
        }
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
