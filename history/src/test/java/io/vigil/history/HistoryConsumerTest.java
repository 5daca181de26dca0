package io.vigil.history;

import static io.vigil.history.Reports.T0;
import static io.vigil.history.Reports.healthy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class HistoryConsumerTest {
    @Test
    void aRestartedSinkReadingFromTheStartNeitherLosesNorDoublesARowAndSkipsAnUnreadableRecord() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "history-consumer-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            kafka.createVigilTopics();
            Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            HistoryConfig config = new HistoryConfig(
                    true,
                    new HistoryConfig.Store.DuckDbFile(dir.resolve("history.duckdb")),
                    // the reports are from March 2026: kept whatever day the test runs
                    new HistoryConfig.Retention(
                            Duration.ofDays(36_500), Duration.ofDays(36_500), Duration.ofDays(36_500)),
                    "vigil-history");
            telemetry(producer, healthy("node-a", 1, 0), healthy("node-b", 1, 0), healthy("node-a", 2, 5));
            producer.send(
                    new ProducerRecord<>(Topics.TELEMETRY, "pair-1", "{not json".getBytes(StandardCharsets.UTF_8)));
            Alert firing = alert(AlertChange.STATE);
            producer.send(new ProducerRecord<>(Topics.ALERTS, firing.fingerprint(), WireCodec.encode(firing)));
            producer.send(new ProducerRecord<>(
                    Topics.ALERTS, firing.fingerprint(), WireCodec.encode(alert(AlertChange.RESEND))));
            producer.send(new ProducerRecord<>(
                    Topics.AUDIT,
                    "pair-1",
                    WireCodec.encode(new AuditEntry(
                            "pair-1",
                            "saga-1",
                            "r0",
                            Instant.ofEpochMilli(T0),
                            AuditKind.DECISION,
                            "detect",
                            "node-a's disk failed",
                            List.of(),
                            Optional.empty()))));
            producer.flush();

            SimpleMeterRegistry first = new SimpleMeterRegistry();
            try (History history = History.start(config, client, first)) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> written(first, "replication_samples") == 3
                                && written(first, "alert_changes") == 1
                                && written(first, "failover_audit") == 1
                                && first.get("vigil_history_unreadable_records")
                                                .counter()
                                                .count()
                                        == 1);
            }
            telemetry(producer, healthy("node-a", 3, 10), healthy("node-b", 2, 10));
            producer.flush();

            // another consumer group has no offsets in Kafka: it starts at 0, unless the history's own offsets say
            // otherwise
            SimpleMeterRegistry second = new SimpleMeterRegistry();
            HistoryConfig replaying =
                    new HistoryConfig(true, config.store(), config.retention(), "vigil-history-replay");
            try (History history = History.start(replaying, client, second)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> written(second, "replication_samples") == 2);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> second.find("vigil_history_lag_records").gauges().stream()
                                                .mapToDouble(g -> g.value())
                                                .sum()
                                        == 0
                                && !second.find("vigil_history_lag_records")
                                        .gauges()
                                        .isEmpty());
            }
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb"));
                    ResultSet rs = db.createStatement()
                            .executeQuery("SELECT (SELECT count(*) FROM replication_samples),"
                                    + " (SELECT count(DISTINCT node || seq) FROM replication_samples), (SELECT count(*) FROM alert_changes),"
                                    + " (SELECT count(*) FROM failover_audit)")) {
                rs.next();
                assertEquals(
                        List.of(5L, 5L, 1L, 1L),
                        List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                        "samples, distinct samples, alert changes, audit entries");
            }
            assertEquals(
                    0.0,
                    second.get("vigil_history_unreadable_records").counter().count(),
                    "the unreadable record is not read again");
        }
    }

    @Test
    void twoEngineInstancesWithAFileEachKeepEveryPartitionsHistoryNotAShareOfIt() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "history-instances-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            kafka.createVigilTopics();
            Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            HistoryConfig.Retention kept = new HistoryConfig.Retention(
                    Duration.ofDays(36_500), Duration.ofDays(36_500), Duration.ofDays(36_500));
            // two instances of one engine: same consumer group, a history file each
            HistoryConfig one = new HistoryConfig(
                    true, new HistoryConfig.Store.DuckDbFile(dir.resolve("one.duckdb")), kept, "vigil-history");
            HistoryConfig two = new HistoryConfig(
                    true, new HistoryConfig.Store.DuckDbFile(dir.resolve("two.duckdb")), kept, "vigil-history");
            producer.send(new ProducerRecord<>(
                    Topics.TELEMETRY,
                    0,
                    "pair-1",
                    EnvelopeCodec.encode(healthy("node-a", 1, 0).envelope())));
            producer.send(new ProducerRecord<>(
                    Topics.TELEMETRY,
                    1,
                    "pair-1",
                    EnvelopeCodec.encode(healthy("node-b", 1, 0).envelope())));
            producer.flush();
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            SimpleMeterRegistry second = new SimpleMeterRegistry();
            try (History a = History.start(one, client, first);
                    History b = History.start(two, client, second)) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> written(first, "replication_samples") == 2
                                && written(second, "replication_samples") == 2);
            }
        }
    }

    /**
     * A backlog (a replay, or a sink that was stopped while the agents reported) is stored in
     * transactions of up to HistoryConsumer.TRANSACTION_RECORDS, not one per poll (one fetch,
     * some 1,500 reports here): each commit has a cost of its own.
     */
    @Test
    void aBacklogIsStoredInFewLargeTransactionsNotOnePerPoll() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "history-backlog-");
        int backlog = 12_000;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            kafka.createVigilTopics();
            for (int seq = 1; seq <= backlog; seq++) {
                producer.send(new ProducerRecord<>(
                        Topics.TELEMETRY,
                        0,
                        "pair-1",
                        EnvelopeCodec.encode(healthy("node-a", seq, seq).envelope())));
            }
            producer.flush();
            HistoryConfig config = new HistoryConfig(
                    true,
                    new HistoryConfig.Store.DuckDbFile(dir.resolve("history.duckdb")),
                    new HistoryConfig.Retention(
                            Duration.ofDays(36_500), Duration.ofDays(36_500), Duration.ofDays(36_500)),
                    "vigil-history");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (History history =
                    History.start(config, Map.of("bootstrap.servers", kafka.bootstrapServers()), registry)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> written(registry, "replication_samples") == backlog);
                assertEquals(
                        1,
                        registry.get("vigil_history_batch_commit").timer().count(),
                        "transactions for a backlog of " + backlog);
            }
        }
    }

    /**
     * Engine instances that share one database (PostgreSQL) each store the partitions the group
     * gives them. A second instance that joins while the first is in the middle of a backlog takes
     * partitions away from it mid-transaction; once both have caught up the database holds every
     * record exactly once: what the first held of a partition it lost is stored by the second, from
     * the offsets the database says, and by no one twice.
     */
    @Test
    void partitionsTakenAwayMidBacklogByASecondInstanceAreStoredOnceNeitherLostNorDoubled() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "history-rebalance-");
        int partitions = 6;
        int perPartition = 15_000;
        int backlog = partitions * perPartition;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", "20"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            kafka.createVigilTopics();
            List<String> refused = Collections.synchronizedList(new ArrayList<>());
            // the backlog in two parts: the first is there when the first instance starts, the second comes once the
            // second instance holds its share, so each has records to store whatever the machine's speed (a fast one
            // stored a whole single backlog before the second's join was answered)
            int firstPart = 5_000;
            send(producer, partitions, 1, firstPart, refused);
            Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            HistoryConfig config = new HistoryConfig(
                    true,
                    StoreKind.POSTGRESQL.config(dir),
                    new HistoryConfig.Retention(
                            Duration.ofDays(36_500), Duration.ofDays(36_500), Duration.ofDays(36_500)),
                    "vigil-history");
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            SimpleMeterRegistry second = new SimpleMeterRegistry();
            try (History a = History.start(config, client, first)) {
                // the first instance has stored a transaction of the backlog and reads the next
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> written(first, "replication_samples") >= HistoryConsumer.TRANSACTION_RECORDS);
                try (History b = History.start(config, client, second)) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> !second.find("vigil_history_lag_records")
                                    .gauges()
                                    .isEmpty());
                    send(producer, partitions, firstPart + 1, perPartition, refused);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertTrue(caughtUp(first) && caughtUp(second), "both instances read to the end");
                        assertEquals(backlog, stored(a).get(1), "distinct (node, seq) stored");
                    });
                    assertEquals(
                            List.of((long) backlog, (long) backlog),
                            stored(a),
                            "samples stored, distinct (node, seq) among them");
                    assertTrue(written(second, "replication_samples") > 0, "the second instance took partitions");
                }
            }
        }
    }

    /**
     * Records {@code from}..{@code to} of a node per partition ({@code node-P} on partition P): its seqs are its own, so
     * the (node, seq) marks do not hide a record of another. What the broker refuses is added to {@code refused}.
     */
    private static void send(
            KafkaProducer<String, byte[]> producer, int partitions, int from, int to, List<String> refused)
            throws Exception {
        for (int seq = from; seq <= to; seq++) {
            for (int p = 0; p < partitions; p++) {
                var sent = producer.send(
                        new ProducerRecord<>(
                                Topics.TELEMETRY,
                                p,
                                "pair-1",
                                EnvelopeCodec.encode(
                                        healthy("node-" + p, seq, seq).envelope())),
                        (meta, e) -> {
                            if (e != null) {
                                refused.add(e.toString());
                            }
                        });
                if (seq == 1) {
                    // each partition, just created, takes one record before the many: a burst into one whose
                    // leader is not settled yet was seen to wait out the producer's delivery timeout
                    sent.get(30, TimeUnit.SECONDS);
                }
            }
        }
        producer.flush();
        assertEquals(List.of(), refused.stream().distinct().toList(), "records the broker refused");
    }

    /** Every partition the sink reads is read to its end (and it reads some). */
    private static boolean caughtUp(SimpleMeterRegistry registry) {
        var lags = registry.find("vigil_history_lag_records").gauges();
        return !lags.isEmpty() && lags.stream().mapToDouble(g -> g.value()).sum() == 0;
    }

    /** The samples in the database, and the distinct (node, seq) among them. */
    private static List<Long> stored(History history) throws Exception {
        try (Connection db = history.reader();
                ResultSet rs = db.createStatement()
                        .executeQuery("SELECT count(*), count(DISTINCT (node, seq)) FROM replication_samples")) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2));
        }
    }

    private static double written(SimpleMeterRegistry registry, String table) {
        return registry.get("vigil_history_rows_written")
                .tag("table", table)
                .counter()
                .count();
    }

    private static void telemetry(KafkaProducer<String, byte[]> producer, Reports.Report... reports) {
        for (Reports.Report r : reports) {
            producer.send(new ProducerRecord<>(Topics.TELEMETRY, "pair-1", EnvelopeCodec.encode(r.envelope())));
        }
    }

    private static Alert alert(AlertChange change) {
        Map<String, String> labels = Map.of("alertname", "DiskFailed", "cluster", "pair-1", "severity", "critical");
        Instant at = Instant.ofEpochMilli(T0);
        return new Alert(
                Alert.VERSION,
                AlertLabels.fingerprint(labels),
                "DiskFailed",
                AlertState.FIRING,
                1,
                change,
                labels,
                Map.of(),
                at,
                Optional.of(at),
                Optional.empty(),
                at.plusSeconds(300),
                at.plusSeconds(change == AlertChange.RESEND ? 60 : 0),
                false,
                false,
                List.of(),
                List.of(),
                Optional.empty());
    }
}
