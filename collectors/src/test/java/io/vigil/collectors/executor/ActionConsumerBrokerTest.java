package io.vigil.collectors.executor;

import static io.vigil.collectors.executor.ExecutorFixtures.ALLOW_ALL;
import static io.vigil.collectors.executor.ExecutorFixtures.CLUSTER;
import static io.vigil.collectors.executor.ExecutorFixtures.NODE;
import static io.vigil.collectors.executor.ExecutorFixtures.PEER;
import static io.vigil.collectors.executor.ExecutorFixtures.PEER_SEAL;
import static io.vigil.collectors.executor.ExecutorFixtures.SEAL;
import static io.vigil.collectors.executor.ExecutorFixtures.TOPOLOGY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.publish.Spool;
import io.vigil.collectors.publish.TelemetryPublisher;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionType;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Hypervisor;
import io.vigil.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor end to end on a real broker: the engine's action on vigil.actions, sealed with this
 * node's key, is run and its result arrives on vigil.telemetry keyed by the cluster; one for this
 * node sealed with the peer's key (all that whoever took the peer's host holds) is answered REFUSED
 * and runs nothing; one keyed for the other node is not this agent's business.
 */
class ActionConsumerBrokerTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private Path dir;
    private EmbeddedKafka kafka;

    @BeforeEach
    void startKafka() throws Exception {
        Path base = Path.of(System.getProperty("vigil.test.tmp", "target/tmp"));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "executor");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        kafka.createVigilTopics();
    }

    @AfterEach
    void stopKafka() {
        kafka.close();
    }

    private static Action primary(String id, String node) {
        Instant now = Instant.now();
        return new Action(
                id,
                "pair-1:r0:1",
                CLUSTER,
                node,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                now,
                now.plus(Duration.ofMinutes(2)));
    }

    @Test
    void anActionSealedWithThisNodesKeyRunsAndItsResultArrivesOnTelemetryOneSealedWithThePeersKeyIsRefused()
            throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", "0");
        RecordingRunner runner = new RecordingRunner();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TelemetryPublisher publisher = new TelemetryPublisher(
                CLUSTER, NODE, props, new Spool.Settings(dir.resolve("spool"), 64L << 20), registry)) {
            ActionExecutor executor = new ActionExecutor(
                    CLUSTER,
                    NODE,
                    SEAL,
                    ActionJournal.open(dir.resolve("journal"), Clock.systemUTC()),
                    ALLOW_ALL,
                    new ActionCommands(Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), TOPOLOGY, CLUSTER),
                    new ActionRunner(runner, Clock.systemUTC(), Duration.ofMinutes(1), 4096, Duration.ofMillis(100)),
                    publisher,
                    registry,
                    Clock.systemUTC());
            try (ActionConsumer consumer = ActionConsumer.start(executor, props);
                    KafkaProducer<String, byte[]> engine = new KafkaProducer<>(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
                engine.send(new ProducerRecord<>(Topics.ACTIONS, PEER, PEER_SEAL.seal(primary("for-peer", PEER))))
                        .get();
                engine.send(new ProducerRecord<>(Topics.ACTIONS, NODE, PEER_SEAL.seal(primary("forged", NODE))))
                        .get();
                engine.send(new ProducerRecord<>(Topics.ACTIONS, NODE, SEAL.seal(primary("sealed", NODE))))
                        .get();

                Map<String, ActionResult> results = new ConcurrentHashMap<>();
                try (KafkaConsumer<String, byte[]> telemetry = new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                kafka.bootstrapServers(),
                                "group.id",
                                "test-reader",
                                "auto.offset.reset",
                                "earliest"),
                        new StringDeserializer(),
                        new ByteArrayDeserializer())) {
                    telemetry.subscribe(List.of(Topics.TELEMETRY));
                    await().atMost(BOUND).until(() -> {
                        for (ConsumerRecord<String, byte[]> record : telemetry.poll(Duration.ofMillis(200))) {
                            Envelope envelope = EnvelopeCodec.decode(record.value());
                            if (envelope.body() instanceof ActionResult result) {
                                assertEquals(
                                        CLUSTER,
                                        record.key(),
                                        "results travel keyed by cluster, in order with its telemetry");
                                assertEquals(NODE, envelope.node());
                                results.put(result.actionId(), result);
                            }
                        }
                        return results.size() >= 2;
                    });
                }
                assertEquals(ActionOutcome.SUCCEEDED, results.get("sealed").outcome());
                assertEquals(
                        ActionOutcome.REFUSED, results.get("unsealed:forged").outcome());
                assertEquals(2, results.size(), "nothing for the record keyed for " + PEER + ": " + results.keySet());
                assertEquals(List.of(Command.of("drbdadm", "primary", "r0")), runner.ran, "only the sealed action ran");
            }
        }
    }
}
