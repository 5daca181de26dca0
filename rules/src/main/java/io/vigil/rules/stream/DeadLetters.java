package io.vigil.rules.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record the engine could not use, as it goes to {@code vigil.deadletter}: the original key and
 * bytes, the original headers kept, and headers saying why and where it came from (as Kafka
 * Connect's dead-letter queues do), so an operator can read, fix and replay it.
 *
 * <p>A dead letter never exceeds {@link #maxBytes}: a record that was just small enough for the
 * telemetry topic is too large for any topic once the reason is added, and a send that fails for
 * its size would fail again after every restart. So what does not fit is cut, in this order: the
 * original headers are dropped, then the key and the value are cut to their heads. The reason
 * and the origin are always kept, and a cut says so ({@link #ORIGINAL_SIZE} and the others), so
 * that nobody mistakes the head of a record for the whole of it.
 */
final class DeadLetters {
    static final String REASON = "vigil.error.reason";
    static final String TOPIC = "vigil.error.topic";
    static final String PARTITION = "vigil.error.partition";
    static final String OFFSET = "vigil.error.offset";
    /** For a value of the engine's own state: the store it was in (its key is the record's key). */
    static final String STORE = "vigil.error.store";
    /** Present when the value was cut: the original value's length in bytes. */
    static final String ORIGINAL_SIZE = "vigil.error.original.size";
    /** Present when the key was cut: the original key's length in bytes. */
    static final String ORIGINAL_KEY_SIZE = "vigil.error.original.key.size";
    /** Present when the original headers were left out: how many there were. */
    static final String HEADERS_DROPPED = "vigil.error.headers.dropped";

    /**
     * Below both defaults a dead letter must pass: the producer's {@code max.request.size}
     * (1,048,576 bytes) and the broker's {@code message.max.bytes} (1,048,588 bytes for a whole
     * batch), with room for the batch's framing.
     */
    static final int DEFAULT_MAX_BYTES = 1_000_000;
    /** What a record and each header cost beyond their bytes (lengths, attributes, offsets; generous). */
    private static final int RECORD_OVERHEAD = 128;

    private static final int HEADER_OVERHEAD = 16;
    /** A key is an id, not a payload: one longer than this is kept as its head when anything must be cut. */
    private static final int MAX_CUT_KEY = 1024;

    private static final int MAX_REASON = 1000;

    /** Below this a dead letter has no room for its reason and the head of the record: none is written. */
    static final int MIN_BYTES = 8 * 1024;

    private final int maxBytes;

    DeadLetters(int maxBytes) {
        if (maxBytes < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "a dead letter must be allowed at least " + MIN_BYTES + " bytes, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Dead letters for an engine with these Kafka settings: under the producer's max.request.size when it is set lower than the default. */
    static DeadLetters forKafka(Map<String, Object> kafka) {
        return new DeadLetters(limit(kafka));
    }

    /** The largest dead letter for these Kafka settings (a Kafka Streams producer setting may be given with or without its prefix). */
    static int limit(Map<String, Object> kafka) {
        int limit = DEFAULT_MAX_BYTES;
        for (String key : List.of("max.request.size", "producer.max.request.size")) {
            Object value = kafka.get(key);
            if (value != null) {
                try {
                    limit = Math.min(limit, Integer.parseInt(value.toString().strip()) - 8 * 1024);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("kafka." + key + ": '" + value + "' is not a number of bytes");
                }
            }
        }
        return Math.max(limit, MIN_BYTES);
    }

    /** The largest dead letter this engine writes, in bytes (key, value and headers together). */
    int maxBytes() {
        return maxBytes;
    }

    Record<Object, Object> of(Record<byte[], byte[]> original, String reason, RecordMetadata from, long now) {
        return of(original, reason, from, now, maxBytes);
    }

    /** The same, at most {@code limit} bytes (lower than {@link #maxBytes()} once Kafka refused a larger one). */
    Record<Object, Object> of(
            Record<byte[], byte[]> original, String reason, RecordMetadata from, long now, int limit) {
        Headers vigil = reason(reason);
        vigil.add(TOPIC, from.topic().getBytes(StandardCharsets.UTF_8));
        vigil.add(PARTITION, String.valueOf(from.partition()).getBytes(StandardCharsets.UTF_8));
        vigil.add(OFFSET, String.valueOf(from.offset()).getBytes(StandardCharsets.UTF_8));
        return fit(original.key(), original.value(), original.headers().toArray(), vigil, now, limit);
    }

    /**
     * A value of the engine's own store {@code store} that it cannot read: keyed by its key in the
     * store, the value as stored, and headers saying why, which store and which task's partition
     * (no topic or offset: it was not read off a topic).
     */
    Record<Object, Object> ofStoreValue(
            String store, String key, byte[] value, String reason, int partition, long now, int limit) {
        Headers vigil = reason(reason);
        vigil.add(STORE, store.getBytes(StandardCharsets.UTF_8));
        vigil.add(PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8));
        return fit(key.getBytes(StandardCharsets.UTF_8), value, new Header[0], vigil, now, limit);
    }

    private static Headers reason(String reason) {
        Headers vigil = new RecordHeaders();
        vigil.add(
                REASON,
                (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason)
                        .getBytes(StandardCharsets.UTF_8));
        return vigil;
    }

    private Record<Object, Object> fit(
            byte[] key, byte[] value, Header[] originalHeaders, Headers vigil, long now, int limit) {
        int maxBytes = Math.max(MIN_BYTES, Math.min(limit, this.maxBytes));
        if (size(key) + size(value) + size(originalHeaders) + size(vigil.toArray()) + RECORD_OVERHEAD <= maxBytes) {
            return new Record<>(key, value, now, withOriginal(originalHeaders, vigil));
        }
        // too large whole: the reason and origin first, then what of the original still fits
        if (key != null && key.length > MAX_CUT_KEY) {
            vigil.add(ORIGINAL_KEY_SIZE, String.valueOf(key.length).getBytes(StandardCharsets.UTF_8));
            key = Arrays.copyOf(key, MAX_CUT_KEY);
        }
        long budget =
                maxBytes - RECORD_OVERHEAD - size(key) - size(vigil.toArray()) - 64; // 64: the size headers added below
        Header[] kept = originalHeaders;
        if (size(originalHeaders) > budget / 2) {
            vigil.add(HEADERS_DROPPED, String.valueOf(originalHeaders.length).getBytes(StandardCharsets.UTF_8));
            kept = new Header[0];
        }
        budget -= size(kept);
        if (value != null && value.length > budget) {
            vigil.add(ORIGINAL_SIZE, String.valueOf(value.length).getBytes(StandardCharsets.UTF_8));
            value = Arrays.copyOf(value, (int) Math.max(0, budget));
        }
        return new Record<>(key, value, now, withOriginal(kept, vigil));
    }

    private static Headers withOriginal(Header[] original, Headers vigil) {
        Headers all = new RecordHeaders(original);
        vigil.forEach(h -> all.add(h.key(), h.value()));
        return all;
    }

    private static long size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static long size(Header[] headers) {
        return List.of(headers).stream()
                .mapToLong(h -> h.key().getBytes(StandardCharsets.UTF_8).length + size(h.value()) + HEADER_OVERHEAD)
                .sum();
    }
}
