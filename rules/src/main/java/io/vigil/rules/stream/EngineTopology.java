package io.vigil.rules.stream;

import io.vigil.events.Topics;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.rule.RuleSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The engine as a Kafka Streams topology:
 *
 * <pre>
 * vigil.telemetry --> rules (TelemetryProcessor, stores: alert-scopes, node-presence, previous-bodies; reads failover-sagas, -facts)
 *                       |--> vigil.alerts      (key: fingerprint)
 *                       '--> vigil.deadletter  (the original record, or a store value it cannot read, and why)
 *                       '--> failover (FailoverProcessor, stores: failover-facts, failover-sagas; only with a topology)
 * vigil.failover-commands --'    |--> vigil.actions (key: node, sealed)
 *                                |--> vigil.audit   (key: cluster)
 *                                |--> vigil.alerts  (its pages)
 *                                '--> vigil.deadletter (a store value it cannot read)
 * vigil.silences  --> silences (global store, every instance)
 * </pre>
 *
 * Records are read as bytes and decoded by the processor, so a record that cannot be read is a
 * dead letter, not a crashed thread.
 */
final class EngineTopology {
    private EngineTopology() {}

    static Topology build(
            RuleSet rules,
            Roster roster,
            EngineTiming timing,
            EngineLimits limits,
            int telemetryPartitions,
            EngineMetrics metrics,
            DeadLetters deadLetters,
            RefusedSizes refused,
            java.util.Optional<FailoverProcessor.FailoverSetup> failover) {
        Topology topology = new Topology();
        topology.addSource("telemetry", new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.TELEMETRY);
        topology.addProcessor(
                "rules",
                () -> new TelemetryProcessor(
                        rules,
                        roster,
                        timing,
                        limits,
                        telemetryPartitions,
                        metrics,
                        deadLetters,
                        refused,
                        failover.isPresent()),
                "telemetry");
        topology.addStateStore(EngineStores.evaluator(EngineStores.SCOPES), "rules");
        topology.addStateStore(EngineStores.evaluator(EngineStores.PRESENCE), "rules");
        topology.addStateStore(EngineStores.evaluator(EngineStores.PREVIOUS), "rules");
        String[] alertWriters =
                failover.isPresent() ? new String[] {"rules", FailoverProcessor.NAME} : new String[] {"rules"};
        if (failover.isPresent()) {
            topology.addSource(
                    "failover-commands",
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer(),
                    Topics.FAILOVER_COMMANDS);
            topology.addProcessor(
                    FailoverProcessor.NAME,
                    () -> new FailoverProcessor(
                            failover.get(),
                            timing.evaluationInterval(),
                            telemetryPartitions,
                            metrics.failover(),
                            new UnreadableValues(TelemetryProcessor.DEADLETTER_SINK, deadLetters, refused, metrics)),
                    "rules",
                    "failover-commands");
            topology.addStateStore(EngineStores.evaluator(EngineStores.FAILOVER_FACTS), FailoverProcessor.NAME);
            topology.addStateStore(EngineStores.evaluator(EngineStores.FAILOVER_SAGAS), FailoverProcessor.NAME);
            // the rules read the sagas and facts (a failover that holds a VM elsewhere inhibits its VmNotRunning); only
            // the failover writes
            topology.connectProcessorAndStateStores("rules", EngineStores.FAILOVER_SAGAS, EngineStores.FAILOVER_FACTS);
            topology.addSink(
                    FailoverProcessor.ACTIONS_SINK,
                    Topics.ACTIONS,
                    new StringSerializer(),
                    new ByteArraySerializer(),
                    FailoverProcessor.NAME);
            topology.addSink(
                    FailoverProcessor.AUDIT_SINK,
                    Topics.AUDIT,
                    new StringSerializer(),
                    new ByteArraySerializer(),
                    FailoverProcessor.NAME);
        }
        topology.addSink(
                TelemetryProcessor.ALERTS_SINK,
                Topics.ALERTS,
                new StringSerializer(),
                new ByteArraySerializer(),
                alertWriters);
        // the failover's too: a value of its stores it cannot read goes there
        topology.addSink(
                TelemetryProcessor.DEADLETTER_SINK,
                Topics.DEADLETTER,
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                alertWriters);
        topology.addGlobalStore(
                EngineStores.silences(),
                "silences-source",
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                Topics.SILENCES,
                "silences-updater",
                SilenceUpdater::new);
        return topology;
    }
}
