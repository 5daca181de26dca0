package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.Envelope;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import io.vigil.service.http.ListenAddress;
import io.vigil.service.process.FatalErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An operator grows vigil.telemetry (kafka-topics.sh --alter --partitions) under a running engine.
 * Kafka Streams cannot carry the engine's stores over (their changelogs keep the old count, and it
 * refuses to run so), so the engine stops at once, saying what changed and what to do, rather than
 * evaluate for minutes with a count its agents no longer use; a start refuses in the same words;
 * after the reset it names, the engine runs on the new count and a cluster whose key moved is
 * evaluated once.
 */
class PartitionGrowthTest {
    private static final EngineTiming TIMING = new EngineTiming(
            Duration.ofMillis(200),
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofSeconds(1),
            Duration.ofDays(7),
            Duration.ofHours(1));
    private static final String RULES = """
            rules:
              - alert: NodeSilent
                absent: heartbeat
                for: 5s
                severity: critical
                annotations:
                  summary: "{{node}} is silent"
            """;
    private static final String APP = "vigil-grown";
    /** A cluster whose records go to another partition once there are 12. */
    private static final String MOVED = IntStream.range(0, 100)
            .mapToObj(i -> "pair-" + i)
            .filter(c -> ClusterPartition.of(c, 6) != ClusterPartition.of(c, 12))
            .findFirst()
            .orElseThrow();
    /** What FatalErrors logs while a test runs: the engine's one line when it stops. */
    private final ListAppender<ILoggingEvent> fatal = new ListAppender<>();

    private final Logger fatalLog = (Logger) LoggerFactory.getLogger(FatalErrors.class);
    private Path dir;

    @BeforeEach
    void listen() throws Exception {
        dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "grown-");
        fatal.start();
        fatalLog.addAppender(fatal);
    }

    @AfterEach
    void stopListening() {
        fatalLog.detachAppender(fatal);
    }

    @Test
    void theEngineStopsWhenTelemetryGrowsUnderItAndRunsOnTheNewCountAfterTheResetItNames() throws Exception {
        Path rulesDir = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rulesDir.resolve("host.yaml"), RULES);
        RuleSet rules = RuleLoader.load(List.of(rulesDir));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            kafka.createVigilTopics();
            EngineConfig config = configWithMovedCluster(kafka);
            String steps = "stop every engine instance of " + APP
                    + "; run kafka-streams-application-reset.sh --bootstrap-server "
                    + kafka.bootstrapServers() + " --application-id " + APP
                    + " --force (it deletes the engine's changelog topics and"
                    + " keeps its place in vigil.telemetry; its stores are in memory, nothing to delete on disk); start the engines.";

            String stopped;
            try (Engine engine = Engine.start(config, rules, EngineHarness.registry())) {
                assertTrue(engine.awaitRunning(Duration.ofSeconds(60)), "running: " + engine.state());
                assertEquals(6, engine.activeTelemetryPartitions().size());
                admin.createPartitions(Map.of(Topics.TELEMETRY, NewPartitions.increaseTo(12)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                // not minutes later, at the consumers' next metadata refresh: the engine must not run half-blind that
                // long
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                engine::state,
                                s -> s == KafkaStreams.State.PENDING_SHUTDOWN || s == KafkaStreams.State.NOT_RUNNING);
                List<String> lines = fatal.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList();
                assertEquals(1, lines.size(), "one line says it: " + lines);
                stopped = lines.get(0);
                assertTrue(
                        stopped.startsWith(
                                "FATAL: engine " + APP + " stops: vigil.telemetry now has 12 partitions, not the 6 this"
                                        + " engine started with"),
                        stopped);
                assertTrue(stopped.contains("To evaluate on 12 partitions: " + steps), stopped);
            }

            // restarted by its supervisor on the same layout: it refuses, in the same words
            String refused = assertThrows(
                            IllegalStateException.class,
                            () -> Engine.start(config, rules, EngineHarness.registry())
                                    .close())
                    .getMessage();
            assertTrue(
                    refused.startsWith(
                            "vigil.telemetry has 12 partitions but the engine's stores were made for 6 (" + APP + "-"),
                    refused);
            assertTrue(
                    stopped.contains(refused.substring(refused.indexOf("To evaluate on 12"))),
                    "the same steps: " + refused);

            // the reset as it says (kafka-streams-application-reset.sh deletes the changelog topics; no input topic is
            // named)
            List<String> changelogs = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(APP + "-") && t.endsWith("-changelog"))
                    .toList();
            assertEquals(3, changelogs.size(), changelogs.toString());
            admin.deleteTopics(changelogs).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> admin.listTopics().names().get().stream().noneMatch(changelogs::contains));

            Instant restarted = Instant.now();
            try (Engine engine = Engine.start(config, rules, EngineHarness.registry());
                    KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers())) {
                assertTrue(engine.awaitRunning(Duration.ofSeconds(60)), "running: " + engine.state());
                assertEquals(12, engine.activeTelemetryPartitions().size());
                // node-a reports, node-b never does: NodeSilent fires for node-b once, and never for node-a
                AtomicLong seq = new AtomicLong();
                ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
                try {
                    agent.scheduleAtFixedRate(
                            () -> {
                                EngineHarness.send(
                                        producer,
                                        Envelope.of(
                                                MOVED,
                                                "node-a",
                                                seq.incrementAndGet(),
                                                Instant.now(),
                                                Bodies.heartbeat()));
                                producer.flush();
                            },
                            0,
                            250,
                            TimeUnit.MILLISECONDS);
                    // the first engine's alerts are on the topic too: only those of this one count
                    try (NodeSilentSeen seen = new NodeSilentSeen(kafka.bootstrapServers(), MOVED, restarted)) {
                        await().atMost(Duration.ofSeconds(60))
                                .until(seen::firingByNode, byNode -> byNode.containsKey("node-b"));
                        await().during(Duration.ofSeconds(3))
                                .atMost(Duration.ofSeconds(15))
                                .until(seen::firingByNode, byNode -> byNode.equals(Map.of("node-b", 1L)));
                    }
                } finally {
                    agent.shutdownNow();
                }
            }
        }
    }

    @Test
    void whenKafkaStreamsMeetsTheNewPartitionsFirstTheEngineStopsWithTheSameOneLine() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            kafka.createVigilTopics();
            EngineConfig c = EngineHarness.config(
                    kafka.bootstrapServers(),
                    dir.resolve("state"),
                    APP,
                    Roster.empty(),
                    TIMING,
                    Optional.empty(),
                    new ListenAddress("127.0.0.1", 0));
            // its consumers look at the topics' metadata every half second: Kafka Streams learns of the growth before
            // the watch,
            // as it does when a rebalance happens to come first, and its thread dies of "invalid partitions"
            Map<String, Object> kafkaSettings = new java.util.HashMap<>(c.kafka());
            kafkaSettings.put("metadata.max.age.ms", "500");
            EngineConfig config = new EngineConfig(
                    kafkaSettings,
                    c.applicationId(),
                    c.stateDir(),
                    c.streamThreads(),
                    c.rules(),
                    c.roster(),
                    c.topics(),
                    c.timing(),
                    c.http(),
                    c.notifications(),
                    c.limits(),
                    c.failover());
            try (Engine engine = Engine.start(config, EngineHarness.pack(), EngineHarness.registry())) {
                assertTrue(engine.awaitRunning(Duration.ofSeconds(60)), "running: " + engine.state());
                admin.createPartitions(Map.of(Topics.TELEMETRY, NewPartitions.increaseTo(12)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(8)).until(engine::state, s -> s == KafkaStreams.State.ERROR);
                List<String> lines = fatal.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList();
                assertEquals(1, lines.size(), "one line says it: " + lines);
                assertTrue(
                        lines.get(0)
                                .startsWith("FATAL: engine " + APP
                                        + " stops: vigil.telemetry now has 12 partitions, not the 6"),
                        lines.get(0));
            }
        }
    }

    @Test
    void stateLeftInTheTaskOfAClustersOldPartitionIsReportedWhenTheChangelogsWereGrownByHand() throws Exception {
        ListAppender<ILoggingEvent> taken = new ListAppender<>();
        Logger processorLog = (Logger) LoggerFactory.getLogger(TelemetryProcessor.class);
        taken.start();
        processorLog.addAppender(taken);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            kafka.createVigilTopics();
            EngineConfig config = configWithMovedCluster(kafka);
            try (Engine engine = Engine.start(config, EngineHarness.pack(), EngineHarness.registry())) {
                assertTrue(engine.awaitRunning(Duration.ofSeconds(60)), "running: " + engine.state());
            }
            // instead of the reset, every topic grown by hand: the counts agree, and Kafka Streams runs
            List<String> changelogs = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(APP + "-") && t.endsWith("-changelog"))
                    .toList();
            Map<String, NewPartitions> grow = new java.util.HashMap<>();
            changelogs.forEach(t -> grow.put(t, NewPartitions.increaseTo(12)));
            grow.put(Topics.TELEMETRY, NewPartitions.increaseTo(12));
            admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
            taken.list.clear();
            try (Engine engine = Engine.start(config, EngineHarness.pack(), EngineHarness.registry())) {
                assertTrue(engine.awaitRunning(Duration.ofSeconds(60)), "running: " + engine.state());
                int old = ClusterPartition.of(MOVED, 6);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> taken.list.stream()
                                .map(ILoggingEvent::getFormattedMessage)
                                .anyMatch(l -> l.startsWith("task 0_" + old + " holds the state of " + MOVED
                                        + ", whose telemetry now goes to" + " partition "
                                        + ClusterPartition.of(MOVED, 12)
                                        + " of 12: 2 nodes, 0 alert scopes (0 firing)")));
            }
        } finally {
            processorLog.detachAppender(taken);
        }
    }

    /** The engine's config on {@code kafka}, with {@link #MOVED} and its two nodes in the roster. */
    private EngineConfig configWithMovedCluster(EmbeddedKafka kafka) {
        return EngineHarness.config(
                kafka.bootstrapServers(),
                dir.resolve("state"),
                APP,
                new Roster(Map.of(MOVED, new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))),
                TIMING,
                Optional.empty(),
                new ListenAddress("127.0.0.1", 0));
    }

    /** NodeSilent's firings for one cluster on vigil.alerts since a moment, read as they come. */
    private static final class NodeSilentSeen implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String cluster;
        private final Instant since;
        private final Map<String, Long> firing = new TreeMap<>();

        NodeSilentSeen(String bootstrap, String cluster, Instant since) {
            this.cluster = cluster;
            this.since = since;
            consumer = new KafkaConsumer<>(
                    Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(Topics.ALERTS, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Node to how many times NodeSilent fired for it so far. */
        synchronized Map<String, Long> firingByNode() throws Exception {
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() != null) {
                    Alert alert = WireCodec.decode(record.value(), Alert.class);
                    if (alert.rule().equals("NodeSilent")
                            && alert.state() == AlertState.FIRING
                            && cluster.equals(alert.labels().get("cluster"))
                            && alert.activeAt().isAfter(since)) {
                        firing.merge(alert.labels().get("node"), 1L, Long::sum);
                    }
                }
            }
            return Map.copyOf(firing);
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
