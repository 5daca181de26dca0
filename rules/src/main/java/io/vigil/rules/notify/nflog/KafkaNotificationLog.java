package io.vigil.rules.notify.nflog;

import io.vigil.events.DecodeException;
import io.vigil.events.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What was last notified to each receiver for each group: the firing and resolved alerts it was
 * told of, and when; read before every notification, written after every delivered one, so that a
 * restarted notifier, or the one that takes over, tells nobody the same thing twice. Kept on a
 * compacted topic (key: receiver and group key): read whole by the notifier that becomes active,
 * written after every delivered notification and before the alerts it covered are committed.
 * Entries older than {@link #RETENTION} are deleted.
 */
public final class KafkaNotificationLog {
    /** As Alertmanager keeps its log: longer than any repeat interval worth having. */
    private static final Duration RETENTION = Duration.ofDays(5);

    private static final Logger log = LoggerFactory.getLogger(KafkaNotificationLog.class);
    private static final char SEPARATOR = '\u001f';

    private final String topic;
    private final Producer<String, byte[]> producer;
    private final Map<String, LogEntry> entries = new HashMap<>();

    public KafkaNotificationLog(String topic, Producer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** An entry as read back from the topic (null: deleted). */
    public void load(String key, byte[] value) {
        if (value == null) {
            entries.remove(key);
            return;
        }
        try {
            entries.put(key, WireCodec.decode(value, LogEntry.class));
        } catch (DecodeException e) {
            log.warn(
                    "notification log entry {} on {} cannot be read, ignored: {}",
                    key.replace(SEPARATOR, '/'),
                    topic,
                    e.getMessage());
        }
    }

    /** What {@code receiver} was last told of the group. */
    public Optional<LogEntry> get(String receiver, String groupKey) {
        return Optional.ofNullable(entries.get(key(receiver, groupKey)));
    }

    /** What {@code receiver} was just told of the group; on the broker before this returns. */
    public void record(String receiver, String groupKey, LogEntry entry) {
        String key = key(receiver, groupKey);
        entries.put(key, entry);
        send(key, WireCodec.encode(entry));
    }

    /** Deletes what is older than the retention. */
    public void expire(Instant now) {
        Instant horizon = now.minus(RETENTION);
        entries.entrySet().removeIf(e -> {
            if (e.getValue().sentAt().isBefore(horizon)) {
                send(e.getKey(), null);
                return true;
            }
            return false;
        });
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the notification log cannot be written to " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the notification log", e);
        }
    }

    public int size() {
        return entries.size();
    }

    static String key(String receiver, String groupKey) {
        return receiver + SEPARATOR + groupKey;
    }
}
