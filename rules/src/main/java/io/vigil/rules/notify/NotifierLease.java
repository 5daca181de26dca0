package io.vigil.rules.notify;

import io.vigil.events.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Which notifier is the active one: the one that holds the notification log's only partition in
 * the notifier's consumer group. The others stand by, and the next takes over when it stops or
 * its session lapses. Held under a fixed name ({@code group.instance.id}) when there is one, so a
 * notifier restarted after a crash takes it back at once; left on close, so another instance
 * takes it at once. Single-threaded but for {@link #wakeup()}.
 */
final class NotifierLease implements AutoCloseable {
    private static final TopicPartition LOG = new TopicPartition(Topics.NOTIFICATIONS, 0);

    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean held;

    NotifierLease(Map<String, Object> consumerProps) {
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.NOTIFICATIONS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    held = false;
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    held = true;
                }
            }
        });
    }

    /** Keeps the membership (waiting up to {@code wait} for a change); whether this instance holds the lease now. */
    boolean renew(Duration wait) {
        // while held, the poll only keeps the membership (and sees the log entries written by this instance)
        consumer.poll(wait);
        return held;
    }

    /** Reads the notification log whole, each entry (key, value; null: deleted) to {@code entry}. */
    void readLog(BiConsumer<String, byte[]> entry) {
        consumer.seekToBeginning(List.of(LOG));
        long end = consumer.endOffsets(List.of(LOG)).get(LOG);
        while (consumer.position(LOG) < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> entry.accept(r.key(), r.value()));
        }
    }

    /** Ends a wait in {@link #renew} from another thread (closing). */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        // a fixed-name member stays in the group on a plain close: leave, so another instance takes the lease at once
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                .withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
    }
}
