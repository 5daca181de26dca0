package io.vigil.rules.stream;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record the engine could not use, as it goes to {@code vigil.deadletter}: the original key and
 * bytes untouched, the original headers kept, and headers saying why and where it came from
 * (as Kafka Connect's dead-letter queues do), so an operator can read, fix and replay it.
 */
final class DeadLetters {
    static final String REASON = "vigil.error.reason";
    static final String TOPIC = "vigil.error.topic";
    static final String PARTITION = "vigil.error.partition";
    static final String OFFSET = "vigil.error.offset";
    private static final int MAX_REASON = 1000;

    private DeadLetters() {
    }

    static Record<Object, Object> of(Record<byte[], byte[]> original, String reason, RecordMetadata from, long now) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        headers.add(REASON, (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason).getBytes(StandardCharsets.UTF_8));
        headers.add(TOPIC, from.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(PARTITION, String.valueOf(from.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(OFFSET, String.valueOf(from.offset()).getBytes(StandardCharsets.UTF_8));
        return new Record<>(original.key(), original.value(), now, headers);
    }
}
