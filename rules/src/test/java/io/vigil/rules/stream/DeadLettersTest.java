package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final RecordMetadata FROM = new RecordMetadata() {
        @Override
        public String topic() {
            return "vigil.telemetry";
        }

        @Override
        public int partition() {
            return 3;
        }

        @Override
        public long offset() {
            return 42;
        }
    };
    private final DeadLetters deadLetters = new DeadLetters(100_000);

    private static byte[] bytes(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static String header(Record<Object, Object> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long size(Record<Object, Object> r) {
        long n = ((byte[]) r.value()).length + (r.key() == null ? 0 : ((byte[]) r.key()).length);
        for (Header h : r.headers()) {
            n += h.key().length() + h.value().length + 16;
        }
        return n;
    }

    @Test
    void aRecordThatFitsIsKeptWholeWithItsHeadersAndTheReason() {
        RecordHeaders original = new RecordHeaders();
        original.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        Record<Object, Object> dead = deadLetters.of(
                new Record<>("pair-1".getBytes(StandardCharsets.UTF_8), bytes(1000, 'x'), 5L, original),
                "unreadable: not JSON",
                FROM,
                7L);
        assertArrayEquals(bytes(1000, 'x'), (byte[]) dead.value());
        assertEquals("t-1", header(dead, "trace"));
        assertEquals("unreadable: not JSON", header(dead, DeadLetters.REASON));
        assertEquals("vigil.telemetry", header(dead, DeadLetters.TOPIC));
        assertEquals("3", header(dead, DeadLetters.PARTITION));
        assertEquals("42", header(dead, DeadLetters.OFFSET));
        assertNull(header(dead, DeadLetters.ORIGINAL_SIZE), "not cut");
    }

    @Test
    void aValueTooLargeIsCutToItsHeadAndSaysSoKeepingReasonAndOrigin() {
        Record<Object, Object> dead = deadLetters.of(
                new Record<>("pair-1".getBytes(StandardCharsets.UTF_8), bytes(100_000, 'y'), 5L),
                "unreadable: not JSON",
                FROM,
                7L);
        byte[] value = (byte[]) dead.value();
        assertTrue(value.length > 90_000 && value.length < 100_000, "cut to fit: " + value.length);
        assertTrue(size(dead) <= 100_000, "the whole record fits: " + size(dead));
        assertEquals("100000", header(dead, DeadLetters.ORIGINAL_SIZE));
        assertEquals("unreadable: not JSON", header(dead, DeadLetters.REASON));
        assertEquals("42", header(dead, DeadLetters.OFFSET));
        assertEquals("pair-1", new String((byte[]) dead.key(), StandardCharsets.UTF_8));
    }

    @Test
    void hugeHeadersAreDroppedAndAHugeKeyIsCutBeforeTheValueLosesMore() {
        RecordHeaders original = new RecordHeaders();
        original.add("a", bytes(60_000, 'h'));
        original.add("b", bytes(10, 'h'));
        Record<Object, Object> dead = deadLetters.of(
                new Record<>(bytes(50_000, 'k'), bytes(30_000, 'v'), 5L, original),
                "key 'kkk' is not the cluster",
                FROM,
                7L);
        assertEquals("2", header(dead, DeadLetters.HEADERS_DROPPED));
        assertNull(dead.headers().lastHeader("a"));
        assertEquals("50000", header(dead, DeadLetters.ORIGINAL_KEY_SIZE));
        assertEquals(1024, ((byte[]) dead.key()).length);
        assertArrayEquals(bytes(30_000, 'v'), (byte[]) dead.value(), "the value fits once key and headers are cut");
        assertTrue(size(dead) <= 100_000);
    }

    @Test
    void aLowerLimitLearnedFromKafkaCutsShorter() {
        Record<Object, Object> dead =
                deadLetters.of(new Record<>(null, bytes(50_000, 'z'), 5L), "unreadable", FROM, 7L, 20_000);
        assertTrue(size(dead) <= 20_000, "under the learned limit: " + size(dead));
        assertEquals("50000", header(dead, DeadLetters.ORIGINAL_SIZE));
        assertNull(dead.key());
    }

    @Test
    void aTombstoneIsDeadLetteredWithoutAValue() {
        Record<Object, Object> dead = deadLetters.of(
                new Record<>("pair-1".getBytes(StandardCharsets.UTF_8), null, 5L), "unreadable: empty", FROM, 7L);
        assertNull(dead.value());
        assertEquals("unreadable: empty", header(dead, DeadLetters.REASON));
    }

    @Test
    void theLimitFollowsALowerMaxRequestSizeAndRefusesNonsense() {
        assertEquals(DeadLetters.DEFAULT_MAX_BYTES, DeadLetters.limit(Map.of()));
        assertEquals(500_000 - 8 * 1024, DeadLetters.limit(Map.of("producer.max.request.size", "500000")));
        assertEquals(DeadLetters.DEFAULT_MAX_BYTES, DeadLetters.limit(Map.of("max.request.size", 5_000_000)));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DeadLetters.limit(Map.of("max.request.size", "lots")));
        assertEquals("kafka.max.request.size: 'lots' is not a number of bytes", e.getMessage());
    }
}
