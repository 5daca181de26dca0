package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine bench gives up, saying why, rather than wait forever for an engine that will not finish. */
class EngineBenchTest {
    private static final PrintWriter OUT = new PrintWriter(new StringWriter());

    @Test
    void givesUpWhenTheEngineStops() {
        EngineBench.Stalled e = assertThrows(
                EngineBench.Stalled.class,
                () -> EngineBench.waitEvaluated(
                        1_000, () -> 400, () -> KafkaStreams.State.ERROR, Duration.ofMinutes(2), OUT));
        assertTrue(e.getMessage().contains("the engine stopped (ERROR) after 400 of 1,000 events"), e.getMessage());
    }

    @Test
    void givesUpWhenTheEngineEvaluatesNothingForTooLong() {
        EngineBench.Stalled e = assertThrows(
                EngineBench.Stalled.class,
                () -> EngineBench.waitEvaluated(
                        1_000, () -> 400, () -> KafkaStreams.State.RUNNING, Duration.ofMillis(300), OUT));
        assertTrue(e.getMessage().contains("evaluated nothing for 300ms, at 400 of 1,000 events"), e.getMessage());
    }

    @Test
    void returnsOnceAllAreEvaluatedThoughSlowly() throws Exception {
        AtomicLong done = new AtomicLong();
        EngineBench.waitEvaluated(
                10,
                () -> Math.min(10, done.addAndGet(2)),
                () -> KafkaStreams.State.RUNNING,
                Duration.ofMillis(300),
                OUT);
        assertEquals(10, done.get());
    }

    @Test
    void refusesADataDirectoryAnEarlierRunLeftBehind(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("kafka"));
        CommandOutput run = CommandOutput.run("bench", "engine", "--data-dir", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--data-dir " + dir + " is not empty"), run.err());
    }
}
