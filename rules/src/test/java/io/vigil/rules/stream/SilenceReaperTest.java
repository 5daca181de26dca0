package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reaper on a real broker: what it writes to the silences topic. */
class SilenceReaperTest {
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        Path tmp = Path.of(System.getProperty("vigil.test.tmp", "target/tmp"));
        kafka = EmbeddedKafka.start(Files.createTempDirectory(Files.createDirectories(tmp), "reaper-")
                .resolve("kafka"));
        kafka.createTopics(Map.of(Topics.SILENCES, 1));
        producer = EngineHarness.producer(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        producer.close();
        kafka.close();
    }

    private static List<ConsumerRecord<byte[], byte[]>> written(String prefix) {
        return EngineHarness.readAll(kafka.bootstrapServers(), Topics.SILENCES).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix))
                .toList();
    }

    @Test
    void aSilenceExpiredLongerThanTheRetentionGetsATombstoneAndNoOtherDoes() {
        Instant now = Instant.parse("2026-12-01T03:00:00Z");
        SilenceTable table = new SilenceTable();
        LabelMatcher node = LabelMatcher.parse("node=node-a");
        table.put(StoredSilencesTest.silence(
                "reap-old", node, now.minus(StoredSilences.RETENTION).minusSeconds(1)));
        table.put(StoredSilencesTest.silence("reap-recent", node, now.minus(Duration.ofHours(1))));
        table.put(StoredSilencesTest.silence("reap-active", node, now.plus(Duration.ofHours(1))));
        try (SilenceReaper reaper = new SilenceReaper(new StoredSilences(() -> table, now::toEpochMilli), producer)) {
            assertEquals(1, reaper.reap());
        }
        List<ConsumerRecord<byte[], byte[]>> written = written("reap-");
        assertEquals(
                List.of("reap-old"),
                written.stream()
                        .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                        .toList());
        assertNull(written.get(0).value(), "a tombstone: the compacted topic and every global store forget the id");
    }

    @Test
    void aPassThatFindsTheStoreNotReadyDoesNotStopTheOnesAfter() {
        SilenceTable table = new SilenceTable();
        table.put(StoredSilencesTest.silence(
                "late-old", LabelMatcher.parse("node=node-a"), Instant.now().minus(Duration.ofDays(30))));
        AtomicInteger reads = new AtomicInteger();
        StoredSilences stored = new StoredSilences(
                () -> {
                    if (reads.incrementAndGet() <= 2) {
                        throw new InvalidStateStoreException("the store is being restored");
                    }
                    return table;
                },
                System::currentTimeMillis);
        try (SilenceReaper reaper = new SilenceReaper(stored, producer).every(Duration.ZERO, Duration.ofMillis(50))) {
            // (this table does not apply tombstones as the global store does: each pass writes one again)
            await().atMost(Duration.ofSeconds(30)).until(() -> !written("late-").isEmpty());
        }
        assertTrue(written("late-").stream().allMatch(r -> r.value() == null));
    }
}
