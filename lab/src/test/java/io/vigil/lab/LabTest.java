package io.vigil.lab;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.broker.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabTest {
    @Test
    void aPartThatFailsToStartClosesThePartsStartedBeforeIt(@TempDir Path dir) throws Exception {
        // the engine's state directory cannot be made: the engine, started after the broker, the clock and the agents,
        // fails
        Files.writeString(dir.resolve("engine"), "in the way\n");
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        assertThrows(RuntimeException.class, () -> Lab.start(dir));
        await().atMost(Duration.ofSeconds(20)).until(() -> leftRunning(before).isEmpty());
        // and the broker let go of its data directory: another one can start on it
        try (EmbeddedKafka again = EmbeddedKafka.start(dir.resolve("kafka"))) {
            again.createVigilTopics();
        }
    }

    /** The lab's clock and the agents' publishing threads started since {@code before} and still alive. */
    private static List<String> leftRunning(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(n -> n.equals("lab-clock") || n.startsWith("vigil-publish-"))
                .toList();
    }
}
