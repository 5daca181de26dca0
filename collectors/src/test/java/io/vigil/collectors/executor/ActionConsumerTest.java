package io.vigil.collectors.executor;

import static io.vigil.collectors.executor.ExecutorFixtures.ALLOW_ALL;
import static io.vigil.collectors.executor.ExecutorFixtures.CLUSTER;
import static io.vigil.collectors.executor.ExecutorFixtures.NODE;
import static io.vigil.collectors.executor.ExecutorFixtures.SEAL;
import static io.vigil.collectors.executor.ExecutorFixtures.TOPOLOGY;
import static io.vigil.collectors.executor.ExecutorFixtures.drbd;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.LoggedLines;
import io.vigil.collectors.ManualClock;
import io.vigil.collectors.command.Command;
import io.vigil.events.Action;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionType;
import io.vigil.events.Body;
import io.vigil.events.Hypervisor;
import io.vigil.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's thread against Kafka's faults, injected through Kafka's own MockConsumer: a poll
 * or a commit that fails is logged and the thread goes on with the next record.
 */
class ActionConsumerTest {
    private static final TopicPartition PARTITION = new TopicPartition(Topics.ACTIONS, 0);
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(ExecutorFixtures.NOW);
    private final RecordingRunner runner = new RecordingRunner();
    private final List<Body> emitted = new CopyOnWriteArrayList<>();
    private final FaultyConsumer kafka = new FaultyConsumer();
    private ActionConsumer consumer;

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.close();
        }
    }

    /** MockConsumer whose commits can fail, and whose empty polls wait a little, as a real one waits for its timeout. */
    private static final class FaultyConsumer extends MockConsumer<String, byte[]> {
        final AtomicInteger commitsToFail = new AtomicInteger();

        FaultyConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (commitsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new TimeoutException(
                        "Timeout of 60000ms expired before successfully committing offsets " + offsets);
            }
            super.commitSync(offsets);
        }
    }

    private void start(Action... actions) throws Exception {
        ActionExecutor executor = new ActionExecutor(
                CLUSTER,
                NODE,
                SEAL,
                ActionJournal.open(dir, clock),
                ALLOW_ALL,
                new ActionCommands(Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), TOPOLOGY, CLUSTER),
                new ActionRunner(runner, clock, Duration.ofMinutes(10), 4096, Duration.ofMillis(1)),
                emitted::add,
                new SimpleMeterRegistry(),
                clock);
        kafka.schedulePollTask(() -> {
            kafka.rebalance(List.of(PARTITION));
            kafka.updateBeginningOffsets(Map.of(PARTITION, 0L));
            for (int i = 0; i < actions.length; i++) {
                kafka.addRecord(new ConsumerRecord<>(Topics.ACTIONS, 0, i, NODE, SEAL.seal(actions[i])));
            }
        });
        consumer = ActionConsumer.start(executor, kafka);
    }

    private List<String> resultIds() {
        return emitted.stream().map(b -> ((ActionResult) b).actionId()).toList();
    }

    @Test
    void aFailedPollIsLoggedAndTheNextRecordIsStillHandled() throws Exception {
        kafka.setPollException(new KafkaException(
                "Failed to construct kafka consumer", new IllegalStateException("broker 127.0.0.1:9092 unreachable")));
        try (LoggedLines lines = LoggedLines.of(ActionConsumer.class)) {
            start(drbd("a1", ActionType.DRBD_PRIMARY));

            await().atMost(BOUND).until(() -> resultIds().equals(List.of("a1")));
            assertTrue(
                    lines.lines().stream()
                            .anyMatch(
                                    l -> l.contains(Topics.ACTIONS) && l.contains("broker 127.0.0.1:9092 unreachable")),
                    "the cause is logged: " + lines.lines());
        }
        assertEquals(List.of(Command.of("drbdadm", "primary", "r0")), runner.ran);
    }

    @Test
    void aFailedCommitIsLoggedTheThreadGoesOnAndTheRedeliveryIsAnsweredFromTheJournal() throws Exception {
        kafka.commitsToFail.set(1);
        // a1's commit fails, so Kafka delivers a1 again (offset 1) before a2
        start(
                drbd("a1", ActionType.DRBD_PRIMARY),
                drbd("a1", ActionType.DRBD_PRIMARY),
                drbd("a2", ActionType.DRBD_SECONDARY));

        await().atMost(BOUND).until(() -> resultIds().equals(List.of("a1", "a1", "a2")));
        assertEquals(
                List.of(Command.of("drbdadm", "primary", "r0"), Command.of("drbdadm", "secondary", "r0")),
                runner.ran,
                "a1 ran once");
        await().atMost(BOUND)
                .until(() -> kafka.committed(java.util.Set.of(PARTITION)).get(PARTITION) != null
                        && kafka.committed(java.util.Set.of(PARTITION))
                                        .get(PARTITION)
                                        .offset()
                                == 3);
    }

    @Test
    void oneRecordAPollAndTimeEnoughForTheLongestAction() {
        Map<String, Object> settings = ActionConsumer.settings(
                CLUSTER, NODE, Map.of("bootstrap.servers", "127.0.0.1:9092"), Duration.ofMinutes(10));
        assertEquals("1", settings.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        assertEquals(
                Long.toString(Duration.ofMinutes(11).toMillis()),
                settings.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
    }
}
