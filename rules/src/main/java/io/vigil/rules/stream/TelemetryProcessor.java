package io.vigil.rules.stream;

import io.vigil.events.Alert;
import io.vigil.events.DecodeException;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Name;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTables;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.EvaluationSteps;
import io.vigil.rules.engine.FailoverHolds;
import io.vigil.rules.engine.NodePresence;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.engine.RuleEvaluator;
import io.vigil.rules.engine.ScopeAlerts;
import io.vigil.rules.engine.StrandedState;
import io.vigil.rules.engine.Suppression;
import io.vigil.rules.failover.ClusterFacts;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.SagaHolds;
import io.vigil.rules.rule.RuleSet;
import io.vigil.service.log.LogThrottle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one processor, one per telemetry partition: it decodes each record, hands it to
 * the {@link RuleEvaluator} over this task's stores, and forwards the alerts that changed to
 * {@code vigil.alerts}, keyed by fingerprint; on wall-clock punctuation it lets time pass. Each step
 * is all or nothing ({@link EvaluationSteps}): its store writes are applied after its records were
 * forwarded, or not at all. A record it cannot read, or whose step failed, goes to
 * {@code vigil.deadletter} and the engine carries on.
 */
final class TelemetryProcessor implements Processor<byte[], byte[], Object, Object> {
    static final String ALERTS_SINK = "alerts";
    static final String DEADLETTER_SINK = "deadletter";
    private static final Logger log = LoggerFactory.getLogger(TelemetryProcessor.class);
    private static final Duration ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

    private final RuleSet rules;
    private final Roster roster;
    private final EngineTiming timing;
    private final EngineLimits limits;
    /** Fixed for the engine's life: the engine stops when it changes ({@link PartitionWatch}). */
    private final int telemetryPartitions;

    private final EngineMetrics metrics;
    private final DeadLetters deadLetters;
    private final RefusedSizes refused;
    /** Whether a failover processor follows this one: it gets every event and alert change, after the rules saw them. */
    private final boolean feedsFailover;
    // apart, so that a flood of dead letters cannot hide an engine error, nor the other way round
    private final LogThrottle deadLetterLog = new LogThrottle(ERROR_LOG_INTERVAL);
    private final LogThrottle errorLog = new LogThrottle(ERROR_LOG_INTERVAL);
    private ProcessorContext<Object, Object> context;
    private EvaluationSteps steps;
    private UnreadableValues unreadable;

    TelemetryProcessor(
            RuleSet rules,
            Roster roster,
            EngineTiming timing,
            EngineLimits limits,
            int telemetryPartitions,
            EngineMetrics metrics,
            DeadLetters deadLetters,
            RefusedSizes refused,
            boolean feedsFailover) {
        this.rules = rules;
        this.roster = roster;
        this.timing = timing;
        this.limits = limits;
        this.telemetryPartitions = telemetryPartitions;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.refused = refused;
        this.feedsFailover = feedsFailover;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        KeyValueStore<String, byte[]> scopes = context.getStateStore(EngineStores.SCOPES);
        KeyValueStore<String, byte[]> presence = context.getStateStore(EngineStores.PRESENCE);
        KeyValueStore<String, byte[]> previous = context.getStateStore(EngineStores.PREVIOUS);
        ReadOnlyKeyValueStore<String, byte[]> silences = context.getStateStore(EngineStores.SILENCES);
        unreadable = new UnreadableValues(DEADLETTER_SINK, deadLetters, refused, metrics);
        EngineTables tables = new EngineTables(
                new StreamsStateTable<>(scopes, TableCodec.json(ScopeAlerts.class), unreadable),
                new StreamsStateTable<>(presence, TableCodec.json(NodePresence.class), unreadable),
                new StreamsStateTable<>(previous, TableCodec.PREVIOUS, unreadable));
        int partition = context.taskId().partition();
        // the failover's stores are this task's too (the failover processor is our child): read here, written there
        FailoverHolds holds = feedsFailover
                ? new SagaHolds(
                        new StreamsStateTable<>(
                                context.getStateStore(EngineStores.FAILOVER_SAGAS),
                                TableCodec.json(ResourceFailovers.class),
                                unreadable),
                        new StreamsStateTable<>(
                                context.getStateStore(EngineStores.FAILOVER_FACTS),
                                TableCodec.json(ClusterFacts.class),
                                unreadable))
                : FailoverHolds.NONE;
        // the wall clock itself: the context's cached time is 0 until the task processes or punctuates, and a
        // take-over at the epoch would count every node's silence from 1970, the absence grace never applying
        Instant now = Instant.now();
        Suppression suppression =
                Suppression.of(new StoredSilences(() -> silences, context::currentSystemTimeMs), rules, holds);
        // a step that fails is undone and its evaluator made anew over the same tables, from the same take-over
        Predicate<String> owns = cluster -> ClusterPartition.of(cluster, telemetryPartitions) == partition;
        steps = new EvaluationSteps(
                tables,
                staged -> new RuleEvaluator(rules, roster, timing, limits, staged, suppression, metrics, now, owns));
        context.schedule(timing.evaluationInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
        log.info(
                "task {} took over telemetry partition {}: {} alert scopes, {} nodes; silence counts from now + {}",
                context.taskId(),
                partition,
                scopes.approximateNumEntries(),
                presence.approximateNumEntries(),
                timing.absenceGrace());
        // the engine refuses to start when the stores' count differs from the telemetry's; this is left when they were
        // grown by hand
        StrandedState.of(tables, owns)
                .clusters()
                .forEach((cluster, held) -> log.error(
                        "task {} holds the state of {}, whose telemetry now"
                                + " goes to partition {} of {}: {} nodes, {} alert scopes ({} firing). The partition count changed and the engine's"
                                + " changelog topics were grown with it instead of being reset: the cluster is held twice, its expected nodes may be"
                                + " reported silent and its firing alerts resent from here. Reset the engine (stop every instance, run"
                                + " kafka-streams-application-reset.sh --application-id {} --force, start them)",
                        context.taskId(),
                        cluster,
                        ClusterPartition.of(cluster, telemetryPartitions),
                        telemetryPartitions,
                        held.nodes(),
                        held.scopes(),
                        held.firing(),
                        context.applicationId()));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long now = context.currentSystemTimeMs();
        RecordMetadata from = context.recordMetadata().orElseThrow();
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(record.value());
        } catch (DecodeException e) {
            deadLetter(record, "unreadable: " + e.getMessage(), from, now);
            return;
        }
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        if (!key.equals(Topics.telemetryKey(envelope))) {
            deadLetter(
                    record,
                    "key '" + Name.printable(key) + "' is not the cluster '" + envelope.cluster()
                            + "': a cluster's records must share its partition, so the key must be the cluster id",
                    from,
                    now);
            return;
        }
        try {
            metrics.received(envelope, now);
            steps.onEvent(envelope, record.value(), Instant.ofEpochMilli(now), out -> forward(out, now));
            if (feedsFailover) {
                context.forward(new Record<Object, Object>(envelope.cluster(), envelope, now), FailoverProcessor.NAME);
            }
            metrics.progressed(now);
        } catch (StreamsException e) {
            // Kafka Streams' own (a task migrated, a send that failed): its to handle, and the task's stores with it
            throw e;
        } catch (RuntimeException e) {
            logError("evaluating " + envelope.cluster() + "/" + envelope.node() + " seq " + envelope.seq(), e, now);
            deadLetter(record, "engine error while evaluating: " + e, from, now);
        }
        unreadable.flush(context, now);
    }

    private void tick(long timestamp) {
        long now = context.currentSystemTimeMs();
        try {
            steps.onTick(Instant.ofEpochMilli(now), out -> forward(out, now));
            metrics.nodesHeard().heard(context.taskId().partition(), steps.nodesHeard());
            metrics.progressed(now);
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            logError("letting time pass on " + context.taskId(), e, now);
        }
        unreadable.flush(context, now);
    }

    @Override
    public void close() {
        // the partition moves to another instance (or the engine stops): its nodes are that instance's to report
        if (context != null) {
            metrics.nodesHeard().released(context.taskId().partition());
        }
    }

    /**
     * Every alert of a step goes out, then the deletions of the forgotten; one whose metrics fail to record is still sent.
     * Its writes are applied to the stores after this, so nothing here may fail but Kafka Streams itself.
     */
    private void forward(EvaluationSteps.Output out, long now) {
        List<Alert> alerts = out.alerts();
        for (Alert alert : alerts) {
            byte[] encoded = WireCodec.encode(alert);
            int limit = recordLimit(Topics.ALERTS);
            if (encoded.length > limit) {
                // Kafka would refuse it and, under exactly-once, stop the thread with it: skipped, as a refusal is
                metrics.recordDropped(Topics.ALERTS);
                log.error(
                        "alert {} ({} on {}/{}) is {} bytes, more than the {} a record may have; it is not published",
                        alert.fingerprint(),
                        alert.rule(),
                        alert.labels().get("cluster"),
                        alert.labels().get("node"),
                        encoded.length,
                        limit);
                continue;
            }
            context.forward(new Record<Object, Object>(alert.fingerprint(), encoded, now), ALERTS_SINK);
            if (feedsFailover) {
                context.forward(new Record<Object, Object>(alert.fingerprint(), alert, now), FailoverProcessor.NAME);
            }
        }
        for (String fingerprint : out.forgotten()) {
            context.forward(new Record<Object, Object>(fingerprint, null, now), ALERTS_SINK);
        }
        for (Alert alert : alerts) {
            try {
                metrics.forwarded(alert, now);
            } catch (RuntimeException e) {
                logError("counting alert " + alert.fingerprint(), e, now);
            }
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, RecordMetadata from, long now) {
        metrics.deadLettered(reason);
        metrics.progressed(now);
        deadLetterLog
                .admit(now)
                .ifPresent(held -> log.warn(
                        "{}-{}@{} sent to {}: {} ({} more since the last such line; "
                                + "logged once a minute, vigil_engine_dead_letters_total counts them all)",
                        from.topic(),
                        from.partition(),
                        from.offset(),
                        Topics.DEADLETTER,
                        reason,
                        held));
        int limit = recordLimit(Topics.DEADLETTER);
        if (limit < DeadLetters.MIN_BYTES) {
            metrics.recordDropped(Topics.DEADLETTER);
            log.error(
                    "{}-{}@{} is not dead-lettered: {} refuses even small records (see above); it is skipped",
                    from.topic(),
                    from.partition(),
                    from.offset(),
                    Topics.DEADLETTER);
            return;
        }
        context.forward(deadLetters.of(record, reason, from, now, limit), DEADLETTER_SINK);
    }

    /** The largest record worth sending to {@code topic}: the engine's limit, or less once Kafka refused a larger one. */
    private int recordLimit(String topic) {
        return Math.min(deadLetters.maxBytes(), refused.limit(topic).orElse(Integer.MAX_VALUE));
    }

    private void logError(String doing, RuntimeException e, long now) {
        errorLog.admit(now)
                .ifPresent(held -> log.error(
                        "engine error while {}; the engine carries on ({} more since the last such line; "
                                + "this is a bug, please report it with this trace)",
                        doing,
                        held,
                        e));
    }
}
