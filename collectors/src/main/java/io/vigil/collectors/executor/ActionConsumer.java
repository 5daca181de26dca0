package io.vigil.collectors.executor;

import io.vigil.events.Topics;
import io.vigil.service.log.LogThrottle;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
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
 * there and is not run again. One bad record is logged and passed over, and a poll or commit Kafka
 * fails is logged and tried again; neither ends the thread.
 */
public final class ActionConsumer implements AutoCloseable {
    public static final String THREAD = "vigil-executor";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** What a poll interval allows beyond the longest command: the journal's writes, the result's publication. */
    private static final Duration POLL_SLACK = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(ActionConsumer.class);

    private final ActionExecutor executor;
    private final Consumer<String, byte[]> consumer;
    private final Thread thread;
    private final LogThrottle pollFailures = new LogThrottle(Duration.ofMinutes(1));
    private volatile boolean running = true;

    /** Over {@code consumer}, not yet subscribed: a KafkaConsumer, or a test's MockConsumer that injects faults. */
    ActionConsumer(ActionExecutor executor, Consumer<String, byte[]> consumer) {
        this.executor = executor;
        this.consumer = consumer;
        this.thread = new Thread(this::consume, THREAD);
    }

    /**
     * Starts consuming for {@code executor}, which it then owns (closing this closes it).
     *
     * @param kafka the agent's Kafka properties; those a consumer knows (bootstrap.servers, security) are used
     */
    public static ActionConsumer start(ActionExecutor executor, Map<String, Object> kafka) {
        return start(
                executor,
                new KafkaConsumer<>(
                        settings(executor.cluster(), executor.node(), kafka, executor.maxActionTime()),
                        new StringDeserializer(),
                        new ByteArrayDeserializer()));
    }

    static ActionConsumer start(ActionExecutor executor, Consumer<String, byte[]> kafka) {
        ActionConsumer consumer = new ActionConsumer(executor, kafka);
        consumer.consumer.subscribe(List.of(Topics.ACTIONS));
        consumer.thread.start();
        log.info(
                "executor of {} consuming {} (group {})",
                executor.node(),
                Topics.ACTIONS,
                groupId(executor.cluster(), executor.node()));
        return consumer;
    }

    static String groupId(String cluster, String node) {
        return "vigil-agent-" + cluster + "-" + node;
    }

    /**
     * The agent's properties that a consumer knows, then the executor's own: its group, only
     * committed records (an engine transaction aborted never acts), commits by hand, one record a
     * poll with {@code maxActionTime} and a minute between polls, and, for a
     * group new to the topic, from the beginning, so an action sent before this agent's first
     * start is answered (refused as stale if it is) rather than silently missed.
     */
    static Map<String, Object> settings(
            String cluster, String node, Map<String, Object> kafka, Duration maxActionTime) {
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
        // one action between polls, and time enough for the longest: the group does not throw out an executor that is
        // busy
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        settings.put(
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                Long.toString(maxActionTime.plus(POLL_SLACK).toMillis()));
        settings.put(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        return settings;
    }

    private void consume() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : poll()) {
                    if (!handle(record)) {
                        return;
                    }
                }
            }
        } catch (WakeupException | InterruptException e) {
            // close() woke the poll, or interrupted it: stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.warn("executor: the actions consumer did not close cleanly ({})", e.toString());
            }
        }
    }

    /**
     * The next records, or none after a second's pause when Kafka failed to give them (brokers
     * gone, authorization, metadata): the thread lives on and asks again, as the agent's other
     * Kafka clients do.
     */
    private ConsumerRecords<String, byte[]> poll() throws InterruptedException {
        try {
            return consumer.poll(POLL);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            OptionalLong heldBack = pollFailures.admit(System.currentTimeMillis());
            if (heldBack.isPresent()) {
                log.error(
                        "executor: reading {} failed ({}); trying again every {} s{}; if it goes on, check the brokers and the"
                                + " agent's kafka settings",
                        Topics.ACTIONS,
                        causes(e),
                        RETRY.toSeconds(),
                        heldBack.getAsLong() == 0
                                ? ""
                                : " (" + heldBack.getAsLong() + " more failures in the last minute)",
                        e);
            }
            Thread.sleep(RETRY.toMillis());
            return ConsumerRecords.empty();
        }
    }

    /** An exception and its causes, one line: Kafka wraps the cause an operator can act on. */
    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
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
            log.error(
                    "action record {}-{}@{} could not be handled and is passed over ({}); its action, if any, did not run"
                            + " to a recorded end",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString(),
                    e);
        }
        try {
            consumer.commitSync(Map.of(
                    new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)));
        } catch (CommitFailedException e) {
            // the group rebalanced; the record may come again, and the journal answers it without running it
            log.warn(
                    "executor: commit of {}-{}@{} failed ({}); a redelivery is answered from the journal",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // the broker did not take the commit; the record may come again, and the journal answers it without running
            // it
            log.warn(
                    "executor: commit of {}-{}@{} failed ({}); a redelivery is answered from the journal",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    causes(e));
        }
        return running;
    }

    /**
     * Stops consuming, then closes the consumer and the journal. An action still running two
     * seconds after is not waited for: its thread is interrupted and its command killed. The
     * journal holds that action as started and its record is not committed, so after a restart
     * its redelivery is reported FAILED ({@value ActionExecutor#DIED_WHILE_RUNNING}), never run again; the
     * saga decides whether to try again under a new attempt id.
     */
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
