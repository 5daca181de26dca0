package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionType;
import io.vigil.events.AuditEntry;
import io.vigil.events.Body;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.Heartbeat;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.Topics;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import io.vigil.events.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover on the real broker, with the engine in a JVM of its own killed with SIGKILL in the
 * middle of a saga: the instance that takes over resumes the saga from the changelogged store,
 * sends the next step once, and repeats none of the steps already sent. Unreadable commands on the
 * way are skipped.
 */
class FailoverEngineTest {
    private static final String KEY = "a-test-key-of-at-least-thirty-two-bytes";
    private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
    private volatile boolean aDiskLost;

    @Test
    void anEngineKilledMidSagaIsFollowedByOneThatResumesItAndRepeatsNoStep(@TempDir Path dir) throws Exception {
        Path topology = Files.writeString(dir.resolve("topology.yaml"), EngineHarness.ONE_VM_TOPOLOGY);
        Path key = Files.writeString(dir.resolve("action.key"), KEY + "\n");
        ActionSeal seal = ActionSeal.ofKeyText(KEY);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers())) {
            kafka.createVigilTopics();
            String bootstrap = kafka.bootstrapServers();
            Process first = ScaleOutTest.startInstance(
                    bootstrap,
                    dir.resolve("state-1"),
                    "failover-kill",
                    dir.resolve("first.log"),
                    topology.toString(),
                    key.toString());
            Thread reporter = reportEverySecond(producer);
            try {
                // a command that cannot be read is skipped: it stops neither the engine nor the failover that follows
                producer.send(new ProducerRecord<>(
                        Topics.FAILOVER_COMMANDS, "pair-1", "{\"verb\":\"approve\",".getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(Topics.FAILOVER_COMMANDS, "pair-1", new byte[] {(byte) 0xff, 0, 1}));
                producer.flush();
                aDiskLost = true;
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> actions(bootstrap, seal).size() >= 2);
                List<Action> opened = actions(bootstrap, seal);
                assertEquals(
                        List.of(ActionType.DRBD_ALLOW_TWO_PRIMARIES, ActionType.DRBD_ALLOW_TWO_PRIMARIES),
                        opened.stream().map(Action::type).toList());
                first.destroyForcibly().waitFor();
                // the results arrive while no engine runs
                for (Action action : opened) {
                    send(
                            producer,
                            action.node(),
                            new ActionResult(action.id(), ActionOutcome.SUCCEEDED, Optional.of(0), "", 0.1));
                }
                Process second = ScaleOutTest.startInstance(
                        bootstrap,
                        dir.resolve("state-2"),
                        "failover-kill",
                        dir.resolve("second.log"),
                        topology.toString(),
                        key.toString());
                try {
                    await().atMost(Duration.ofSeconds(90))
                            .until(() -> actions(bootstrap, seal).stream()
                                    .anyMatch(a -> a.type() == ActionType.DRBD_PRIMARY));
                    Thread.sleep(3000);
                    List<Action> all = actions(bootstrap, seal);
                    assertEquals(
                            2,
                            all.stream()
                                    .filter(a -> a.type() == ActionType.DRBD_ALLOW_TWO_PRIMARIES)
                                    .count(),
                            all.toString());
                    List<Action> promotions = all.stream()
                            .filter(a -> a.type() == ActionType.DRBD_PRIMARY)
                            .toList();
                    assertEquals(1, promotions.size(), all.toString());
                    assertEquals("node-b", promotions.get(0).node());
                    assertEquals(
                            "pair-1:r0:1:promote:node-b:1", promotions.get(0).id());
                    List<AuditEntry> audit = new ArrayList<>();
                    for (ConsumerRecord<byte[], byte[]> r : EngineHarness.readAll(bootstrap, Topics.AUDIT)) {
                        audit.add(WireCodec.decode(r.value(), AuditEntry.class));
                    }
                    assertTrue(
                            audit.stream()
                                    .anyMatch(e -> e.text().contains("migration window")
                                            && !e.evidence().isEmpty()),
                            audit.toString());
                } finally {
                    second.destroyForcibly().waitFor();
                }
            } finally {
                reporter.interrupt();
                reporter.join();
            }
        }
    }

    private Thread reportEverySecond(KafkaProducer<String, byte[]> producer) {
        Thread thread = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        send(producer, "node-a", new Heartbeat("test", 1, List.of(), 8L << 30, 4L << 30));
                        send(producer, "node-b", new Heartbeat("test", 1, List.of(), 8L << 30, 4L << 30));
                        send(
                                producer,
                                "node-a",
                                EngineHarness.drbd(
                                        "node-b",
                                        DrbdRole.PRIMARY,
                                        aDiskLost ? DiskState.DISKLESS : DiskState.UP_TO_DATE,
                                        DrbdRole.SECONDARY,
                                        DiskState.UP_TO_DATE));
                        send(
                                producer,
                                "node-b",
                                EngineHarness.drbd(
                                        "node-a",
                                        DrbdRole.SECONDARY,
                                        DiskState.UP_TO_DATE,
                                        DrbdRole.PRIMARY,
                                        DiskState.UP_TO_DATE));
                        // where web runs: the saga moves no VM whose place it has not heard
                        send(producer, "node-a", web(VmState.RUNNING));
                        send(producer, "node-b", web(VmState.SHUT_OFF));
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "test-reporter");
        thread.start();
        return thread;
    }

    private void send(KafkaProducer<String, byte[]> producer, String node, Body body) {
        long seq = seqs.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
        EngineHarness.send(producer, Envelope.of("pair-1", node, seq, Instant.now(), body));
        producer.flush();
    }

    private static VmStatus web(VmState state) {
        return new VmStatus(
                "web",
                Optional.empty(),
                Hypervisor.LIBVIRT,
                state,
                Optional.of(1L << 30),
                Optional.of(1L << 30),
                Optional.of(1),
                Optional.of("r0"),
                Liveness.NOT_CHECKED,
                Optional.empty());
    }

    private static List<Action> actions(String bootstrap, ActionSeal seal) throws Exception {
        List<Action> actions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : EngineHarness.readAll(bootstrap, Topics.ACTIONS)) {
            Action action = seal.open(r.value());
            assertEquals(action.node(), new String(r.key(), StandardCharsets.UTF_8));
            actions.add(action);
        }
        actions.sort(java.util.Comparator.comparing(Action::issuedAt).thenComparing(Action::id));
        return actions;
    }
}
