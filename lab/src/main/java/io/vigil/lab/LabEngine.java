package io.vigil.lab;

import io.vigil.rules.stream.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The lab's engine instance, as something that can die and be replaced by another over the same
 * state directory and application id (so the new one resumes the old one's sagas from the
 * changelogs): in this JVM, or in a JVM of its own, which dies by SIGKILL as a real one does.
 */
sealed interface LabEngine permits LabEngine.InThisJvm, LabEngine.OwnJvm {

    /** The engine API's URL; waits while the instance is still starting. */
    String apiUrl();

    /** Stopped as `systemctl stop` stops it: its work committed, its partitions handed over. */
    void stop();

    /** Dies without warning. In this JVM that is a close, the closest a JVM can do to its own part. */
    void kill();

    /** Whether it runs or is starting (not stopped or killed). */
    boolean alive();

    /** Whether it runs and can page: started, in its group, its notifier holding the lease. */
    boolean serving();

    /** An engine in the lab's JVM: its console receiver writes to the lab's page log; its API answers from {@code history}, closed with it. */
    record InThisJvm(Engine engine, LabHistory history) implements LabEngine {
        public String apiUrl() {
            return engine.apiUrl();
        }

        public void stop() {
            engine.close();
            history.close();
        }

        public void kill() {
            engine.close();
            history.close();
        }

        public boolean alive() {
            return engine.state().isRunningOrRebalancing();
        }

        public boolean serving() {
            return engine.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                    && engine.notifying().orElse(true);
        }
    }

    /**
     * An engine in a child JVM running {@link LabEngineProcess} over the lab's data directory. It
     * writes its API's URL to a file once it runs; its output goes to engine-process.log there.
     */
    final class OwnJvm implements LabEngine {
        static final String API_FILE = "engine-api";
        private static final Duration START = Duration.ofSeconds(120);

        private final Process process;
        private final Path apiFile;
        private final Path logFile;

        private OwnJvm(Process process, Path apiFile, Path logFile) {
            this.process = process;
            this.apiFile = apiFile;
            this.logFile = logFile;
        }

        /** Starts the child; returns at once (it takes seconds to join the group), {@link #apiUrl} waits for it. */
        static OwnJvm start(Path dataDir, String bootstrap, Optional<String> pageWebhook) {
            Path apiFile = dataDir.resolve(API_FILE);
            Path logFile = dataDir.resolve("engine-process.log");
            try {
                Files.deleteIfExists(apiFile);
                Path logConfig = dataDir.resolve("engine-logback.xml");
                Files.writeString(logConfig, LOG_CONFIG, StandardCharsets.UTF_8);
                List<String> argv = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx384m",
                        "-XX:+UseSerialGC",
                        "-Dlogback.configurationFile=" + logConfig.toAbsolutePath(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LabEngineProcess.class.getName(),
                        bootstrap,
                        dataDir.toAbsolutePath().toString()));
                pageWebhook.ifPresent(argv::add);
                Process process = new ProcessBuilder(argv)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
                return new OwnJvm(process, apiFile, logFile);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "the lab could not start its engine in a JVM of its own (" + e.getMessage() + ")", e);
            }
        }

        public String apiUrl() {
            long deadline = System.nanoTime() + START.toNanos();
            try {
                while (System.nanoTime() < deadline) {
                    if (Files.exists(apiFile)) {
                        return Files.readString(apiFile, StandardCharsets.UTF_8).strip();
                    }
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the lab's engine process exited with status "
                                + process.exitValue() + " before it ran; see " + logFile);
                    }
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the lab's engine", e);
            }
            throw new IllegalStateException(
                    "the lab's engine process did not run within " + START.toSeconds() + " s; see " + logFile);
        }

        public void stop() {
            end(process::destroy, Duration.ofSeconds(60));
        }

        public void kill() {
            end(process::destroyForcibly, Duration.ofSeconds(10));
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** The child writes its API file once it runs and its notifier holds the lease. */
        public boolean serving() {
            return process.isAlive() && Files.exists(apiFile);
        }

        /** The process id, for a log line a reader can follow. */
        long pid() {
            return process.pid();
        }

        private void end(Runnable signal, Duration wait) {
            signal.run();
            try {
                if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(apiFile);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The child logs what an operator would read, not Kafka's chatter. */
        private static final String LOG_CONFIG = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.kafka" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
    }
}
