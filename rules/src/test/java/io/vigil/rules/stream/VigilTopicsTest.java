package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Topics;
import io.vigil.rules.config.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VigilTopicsTest {
    @Test
    void missingTopicsThatMayNotBeCreatedAreNamedWithEveryCompactedOneToCreateSo() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "topics-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            String message = assertThrows(IllegalStateException.class, () -> VigilTopics.ensure(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), new EngineConfig.Topics(false, 3, (short) 1))).getMessage();
            assertTrue(message.contains("vigil.alerts, vigil.silences and vigil.notifications with cleanup.policy=compact,"
                    + " vigil.deadletter, vigil.silences and vigil.notifications with one partition) or set topics.create: true"), message);
            for (String topic : Topics.COMPACTED) {
                assertTrue(message.contains(topic), topic + " in " + message);
            }
        }
    }
}
