package io.vigil.rules.stream;

import io.vigil.events.Action;
import io.vigil.events.ActionSeals;
import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import io.vigil.events.DecodeException;
import io.vigil.events.Envelope;
import io.vigil.events.FailoverCommand;
import io.vigil.events.WireCodec;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.StateTable;
import io.vigil.rules.failover.ClusterFacts;
import io.vigil.rules.failover.ClusterFailovers;
import io.vigil.rules.failover.FailoverOutput;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.SagaPages;
import io.vigil.service.log.LogThrottle;
import io.vigil.service.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover's place in the engine's topology, one per telemetry partition: it receives each
 * decoded telemetry event and each alert change from the rules processor, the humans' commands
 * from {@code vigil.failover-commands}, and wall-clock ticks; hands them to {@link
 * ClusterFailovers} over this task's two changelogged stores; and forwards the actions (sealed),
 * audit entries and pages it decides. Kafka Streams commits the stores' changes and these records
 * in one exactly-once transaction: a crash loses no action and sends none twice.
 */
final class FailoverProcessor implements Processor<Object, Object, Object, Object> {
    static final String NAME = "failover";
    static final String ACTIONS_SINK = "actions";
    static final String AUDIT_SINK = "audit";
    private static final Logger log = LoggerFactory.getLogger(FailoverProcessor.class);

    private final FailoverSetup setup;
    private final Duration tickInterval;
    /** Fixed for the engine's life: the engine stops when it changes ({@link PartitionWatch}). */
    private final int telemetryPartitions;

    private final FailoverMetrics metrics;
    private final UnreadableValues unreadable;
    private final LogThrottle errorLog = new LogThrottle(Duration.ofMinutes(1));
    private ProcessorContext<Object, Object> context;
    private ClusterFailovers failovers;
    /** The resources of this task's clusters, for the phase gauges: cluster to resources. */
    private final Map<String, Set<String>> held = new LinkedHashMap<>();

    /** {@code unreadable}: this task's, for the values of its stores it cannot read. */
    FailoverProcessor(
            FailoverSetup setup,
            Duration tickInterval,
            int telemetryPartitions,
            FailoverMetrics metrics,
            UnreadableValues unreadable) {
        this.setup = setup;
        this.unreadable = unreadable;
        this.tickInterval = tickInterval;
        this.telemetryPartitions = telemetryPartitions;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        KeyValueStore<String, byte[]> facts = context.getStateStore(EngineStores.FAILOVER_FACTS);
        KeyValueStore<String, byte[]> sagas = context.getStateStore(EngineStores.FAILOVER_SAGAS);
        StreamsStateTable<ResourceFailovers> sagaTable =
                new StreamsStateTable<>(sagas, TableCodec.json(ResourceFailovers.class), unreadable);
        failovers = setup.failovers(
                new StreamsStateTable<>(facts, TableCodec.json(ClusterFacts.class), unreadable), sagaTable);
        for (var cluster : setup.topology().clusters().values()) {
            if (ClusterPartition.of(cluster.name(), telemetryPartitions)
                    == context.taskId().partition()) {
                held.put(cluster.name(), cluster.resources().keySet());
                for (String resource : cluster.resources().keySet()) {
                    // the store was restored before init: a saga that runs is shown in its phase, not as Healthy
                    metrics.holding(
                            cluster.name(),
                            resource,
                            sagaTable
                                    .get(ClusterFailovers.key(cluster.name(), resource))
                                    .flatMap(ResourceFailovers::current));
                }
            }
        }
        context.schedule(tickInterval, PunctuationType.WALL_CLOCK_TIME, this::tick);
        log.info(
                "task {} holds the failovers of its clusters: {} resources with failover history",
                context.taskId(),
                sagas.approximateNumEntries());
    }

    @Override
    public void process(Record<Object, Object> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Object value = record.value();
        try {
            if (value instanceof Envelope envelope) {
                emit(failovers.onEvent(envelope, now), now);
            } else if (value instanceof Alert alert) {
                emit(failovers.onAlert(alert, now), now);
            } else if (value instanceof byte[] bytes) {
                FailoverCommand command;
                try {
                    command = WireCodec.decode(bytes, FailoverCommand.class);
                } catch (DecodeException e) {
                    log.warn("a failover command that cannot be read was skipped: {}", e.getMessage());
                    return;
                }
                log.info(
                        "failover command {} {} by {}",
                        command.verb().wire(),
                        command.sagaId().isEmpty() ? command.cluster() + "/" + command.resource() : command.sagaId(),
                        command.by());
                emit(failovers.onCommand(command, now), now);
            }
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            logError("handling " + value.getClass().getSimpleName(), e, now);
        }
        unreadable.flush(context, now.toEpochMilli());
    }

    private void tick(long timestamp) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        int partition = context.taskId().partition();
        try {
            emit(failovers.onTick(now, cluster -> ClusterPartition.of(cluster, telemetryPartitions) == partition), now);
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            logError("letting time pass", e, now);
        }
        unreadable.flush(context, now.toEpochMilli());
    }

    @Override
    public void close() {
        held.forEach((cluster, resources) -> resources.forEach(resource -> metrics.released(cluster, resource)));
    }

    private void emit(FailoverOutput output, Instant now) {
        metrics.record(output);
        long at = now.toEpochMilli();
        for (Action action : output.actions()) {
            context.forward(new Record<Object, Object>(action.node(), setup.seal(action), at), ACTIONS_SINK);
            log.info("action sent: {} of saga {}", action.describe(), action.sagaId());
        }
        for (AuditEntry entry : output.audit()) {
            context.forward(new Record<Object, Object>(entry.cluster(), WireCodec.encode(entry), at), AUDIT_SINK);
        }
        for (Alert page : output.pages()) {
            context.forward(
                    new Record<Object, Object>(page.fingerprint(), WireCodec.encode(page), at),
                    TelemetryProcessor.ALERTS_SINK);
        }
    }

    private void logError(String doing, RuntimeException e, Instant now) {
        errorLog.admit(now.toEpochMilli())
                .ifPresent(held -> log.error(
                        "failover error while {}; the engine carries on ({} more since the "
                                + "last such line; this is a bug, please report it with this trace)",
                        doing,
                        held,
                        e));
    }

    /**
     * What the failover needs from the engine's config: the topology, the keys that seal actions (one
     * for every node of the topology, as {@link EngineConfig.Failover} holds them), how its pages are resent.
     */
    record FailoverSetup(Topology topology, ActionSeals seals, SagaPages pages) {
        /** Made once, as the engine starts: says so when every agent shares one key. */
        static FailoverSetup of(EngineConfig.Failover config, Duration resendInterval, Duration lease) {
            if (config.seals() instanceof ActionSeals.Shared) {
                log.warn("failover: every agent holds the same action key (key_file/key_env), so whoever takes one"
                        + " node's host can seal actions the other node's agent runs (promote, fence, stop its VMs);"
                        + " give each node its own key: key_dir: DIR with DIR/<node>.key, and each agent's key_file"
                        + " its node's file (docs/failover.md)");
            }
            return new FailoverSetup(config.topology(), config.seals(), new SagaPages(resendInterval, lease));
        }

        /** The record for {@code action}: sealed with the key of the node whose agent runs it, so no other agent accepts it. */
        byte[] seal(Action action) {
            return seals.seal(action);
        }

        ClusterFailovers failovers(StateTable<ClusterFacts> facts, StateTable<ResourceFailovers> sagas) {
            return ClusterFailovers.of(topology, pages, facts, sagas);
        }
    }
}
