package io.vigil.lab;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.sim.FaultOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lab started again on the data directory of an earlier run is as quick as a cold start: the
 * engine of the earlier run is not waited for. A cold lab pages for a lost disk a few seconds after
 * it has started; the bound below is generous for a shared machine and far below the consumer's
 * default session timeout (45 s), which a restart used to wait out.
 */
class LabRestartTest {
    private static final Logger log = LoggerFactory.getLogger(LabRestartTest.class);
    /** from the second lab having started to the critical alert and its page */
    static final Duration RESTART_BOUND = Duration.ofSeconds(15);

    @Test
    void aLabStoppedAndStartedAgainOnItsDataDirPagesAsSoonAsAColdStartDoes(@TempDir Path dir) throws Exception {
        try (Lab first = Lab.start(dir)) {
            awaitSettled(first);
        }
        assertPagesForALostDiskWithinTheBound(dir);
    }

    @Test
    void aLabKilledAndStartedAgainOnItsDataDirPagesAsSoonAsAColdStartDoes(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("killed.out");
        Process killed = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LabProcess.class.getName(),
                        dir.resolve("lab").toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> !killed.isAlive() || Files.readString(out).contains("SETTLED"));
            assertTrue(killed.isAlive(), Files.readString(out));
            killed.destroyForcibly(); // SIGKILL: nothing is closed, no group is left
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        } finally {
            killed.destroyForcibly();
        }
        assertPagesForALostDiskWithinTheBound(dir.resolve("lab"));
    }

    /** Waits until the engine runs, notifies, and has read both hosts: its consumer groups hold members. */
    static void awaitSettled(Lab lab) {
        await().atMost(Duration.ofSeconds(90))
                .until(() -> lab.engine().state().toString().equals("RUNNING")
                        && lab.engine().notifying().orElse(false)
                        && lab.picture().host("pair-1", "node-a").isPresent()
                        && lab.picture().host("pair-1", "node-b").isPresent());
    }

    /** Counted from the start having returned: the broker's own start (slower in a fresh JVM) is not what is measured. */
    static void assertPagesForALostDiskWithinTheBound(Path dir) {
        try (Lab again = Lab.start(dir)) {
            long start = System.nanoTime();
            FaultOutcome failed = again.inject("disk-fail node-a /dev/sda");
            assertTrue(failed.applied(), failed.message());
            await().atMost(RESTART_BOUND.minusNanos(System.nanoTime() - start))
                    .until(() -> firing(again, "DrbdLocalDiskLost")
                            && again.pages().last(20).stream()
                                    .anyMatch(p -> p.text().contains("node-a lost the disk under r")));
            log.info("the restarted lab paged {} ms after it was started", (System.nanoTime() - start) / 1_000_000);
            assertHistoryAnswers(again);
        }
    }

    /** The engine's API serves the lab's history, which the earlier run (stopped or killed) left in the data directory. */
    private static void assertHistoryAnswers(Lab lab) {
        try {
            HttpResponse<String> resyncs = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(lab.engineApiUrl() + "/api/history/resyncs?from=1d"))
                                    .timeout(Duration.ofSeconds(10))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, resyncs.statusCode(), resyncs.body());
            assertTrue(resyncs.body().contains("\"resyncs\":["), resyncs.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean firing(Lab lab, String rule) {
        return lab.alerts().in(AlertState.FIRING).stream().map(Alert::rule).anyMatch(rule::equals);
    }
}
