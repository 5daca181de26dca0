package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Topics;
import io.vigil.rules.config.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class VigilTopicsTest {
    @Test
    void missingTopicsThatMayNotBeCreatedAreNamedWithEveryCompactedOneToCreateSo() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "topics-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            String message = assertThrows(
                            IllegalStateException.class,
                            () -> VigilTopics.ensure(
                                    Map.of("bootstrap.servers", kafka.bootstrapServers()),
                                    new EngineConfig.Topics(false, 3, (short) 1)))
                    .getMessage();
            assertTrue(
                    message.contains(
                            "vigil.alerts, vigil.silences and vigil.notifications with cleanup.policy=compact,"
                                    + " vigil.deadletter, vigil.silences and vigil.notifications with one partition) or set topics.create: true"),
                    message);
            for (String topic : Topics.COMPACTED) {
                assertTrue(message.contains(topic), topic + " in " + message);
            }
        }
    }

    @Test
    void theAlertsTopicItCreatesKeepsEachRecordADayBeforeCompactionMayDropIt() throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "topics-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            VigilTopics.ensure(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), new EngineConfig.Topics(true, 3, (short) 1));
            ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS);
            Config config = admin.describeConfigs(List.of(alerts))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(alerts);
            assertEquals("86400000", config.get("min.compaction.lag.ms").value());
            assertEquals("compact", config.get("cleanup.policy").value());
            assertEquals(List.of(), VigilTopics.shortfalls(admin));
        }
    }

    @Test
    void anExistingAlertsTopicThatCompactsAtOnceIsReportedWithTheValueFoundWantedAndTheCommandToFixIt()
            throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp"))), "topics-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // as an older Vigil, or an operator by hand, made it: compacted, nothing else
            admin.createTopics(List.of(
                            new NewTopic(Topics.ALERTS, 3, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            VigilTopics.ensure(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), new EngineConfig.Topics(true, 3, (short) 1));
            List<TopicShortfall> shortfalls = VigilTopics.shortfalls(admin);
            assertEquals(
                    List.of(new TopicShortfall(
                            Topics.ALERTS,
                            "min.compaction.lag.ms",
                            0,
                            86_400_000L,
                            shortfalls.get(0).why())),
                    shortfalls);
            String warning = shortfalls.get(0).warning(kafka.bootstrapServers());
            assertTrue(
                    warning.startsWith(
                            "topic vigil.alerts has min.compaction.lag.ms=0, less than the 86400000 the engine wants"),
                    warning);
            assertTrue(
                    warning.endsWith(
                            "set it with: kafka-configs.sh --bootstrap-server " + kafka.bootstrapServers()
                                    + " --alter --entity-type topics --entity-name vigil.alerts --add-config min.compaction.lag.ms=86400000"),
                    warning);
            // the command it gives does fix it
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("min.compaction.lag.ms", "86400000"), AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> VigilTopics.shortfalls(admin).isEmpty());
        }
    }
}
