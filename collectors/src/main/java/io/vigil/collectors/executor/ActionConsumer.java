package io.vigil.collectors.executor;

import io.vigil.events.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds vigil.actions to the executor, one record at a time and in order, on its own thread
 * ({@value #THREAD}). Its group is this node's own ({@code vigil-agent-<cluster>-<node>}), so every
 * agent reads the whole topic and skips the records keyed for others. An offset is committed
 * after the record's result is in the journal: a record redelivered after a crash finds its id
 * there and is not run again. One bad record is logged and passed over; it never ends the thread.
 */
public final class ActionConsumer implements AutoCloseable {
    public static final String THREAD = "vigil-executor";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(ActionConsumer.class);

    private final ActionExecutor executor;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private ActionConsumer(ActionExecutor executor, Map<String, Object> kafka) {
        this.executor = executor;
        this.consumer = new KafkaConsumer<>(settings(executor.cluster(), executor.node(), kafka),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::consume, THREAD);
    }

    /**
     * Starts consuming for {@code executor}, which it then owns (closing this closes it).
     *
     * @param kafka the agent's Kafka properties; those a consumer knows (bootstrap.servers, security) are used
     */
    public static ActionConsumer start(ActionExecutor executor, Map<String, Object> kafka) {
        ActionConsumer consumer = new ActionConsumer(executor, kafka);
        consumer.consumer.subscribe(List.of(Topics.ACTIONS));
        consumer.thread.start();
        log.info("executor of {} consuming {} (group {})", executor.node(), Topics.ACTIONS, groupId(executor.cluster(), executor.node()));
        return consumer;
    }

    static String groupId(String cluster, String node) {
        return "vigil-agent-" + cluster + "-" + node;
    }

    /**
     * The agent's properties that a consumer knows, then the executor's own: its group, only
     * committed records (an engine transaction aborted never acts), commits by hand, and, for a
     * group new to the topic, from the beginning, so an action sent before this agent's first
     * start is answered (refused as stale if it is) rather than silently missed.
     */
    static Map<String, Object> settings(String cluster, String node, Map<String, Object> kafka) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key) && value != null) {
                settings.put(key, value);
            }
        });
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(cluster, node));
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-executor-" + node);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        settings.put(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        return settings;
    }

    private void consume() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (!handle(record)) {
                        return;
                    }
                }
            }
        } catch (WakeupException | InterruptException e) {
            // close() woke the poll, or interrupted it: stop
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("executor: the actions consumer did not close cleanly ({})", e.toString());
            }
        }
    }

    /** Handles and commits one record; false when the agent is stopping. */
    private boolean handle(ConsumerRecord<String, byte[]> record) {
        try {
            executor.handle(record.key(), record.value());
        } catch (InterruptedException e) {
            // stopping mid-action: not committed, and the journal says started, so it is reported, never rerun
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            log.error("action record {}-{}@{} could not be handled and is passed over ({}); its action, if any, did not run"
                    + " to a recorded end", record.topic(), record.partition(), record.offset(), e.toString(), e);
        }
        try {
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
        } catch (CommitFailedException e) {
            // the group rebalanced; the record may come again, and the journal answers it without running it
            log.warn("executor: commit of {}-{}@{} failed ({}); a redelivery is answered from the journal", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
        return running;
    }

    /** Stops after the action in hand (interrupting a command still running), then closes the consumer and the journal. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(2).toMillis());
            if (thread.isAlive()) {
                // a command still runs: interrupt it (the runner kills the process)
                thread.interrupt();
                thread.join(Duration.ofSeconds(15).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            executor.close();
        } catch (java.io.IOException e) {
            log.warn("executor journal did not close cleanly ({}); it is read back at the next start", e.getMessage());
        }
    }
}
