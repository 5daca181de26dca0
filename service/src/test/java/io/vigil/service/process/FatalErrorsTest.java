package io.vigil.service.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A process that met a fatal error ends with a line saying why, even while other threads would keep it up. */
class FatalErrorsTest {

    /** Run in its own JVM: a non-daemon thread that would run for ever, then a thread that dies as asked. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("exit")) {
            FatalErrors.exitOnFatal();
        }
        Thread zombie = new Thread(
                () -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "some-worker");
        zombie.start();
        Thread dying = new Thread(
                () -> {
                    switch (args[1]) {
                        // a real OutOfMemoryError, thrown by the JVM, not constructed
                        case "oom" -> System.out.println(new long[Integer.MAX_VALUE - 2].length);
                        case "vigil-thread" -> throw new IllegalStateException("a bug in an essential thread");
                        default -> throw new IllegalStateException("a bug in a thread of no consequence");
                    }
                },
                args[1].equals("vigil-thread") ? "vigil-notifier" : "pool-1-thread-1");
        dying.start();
        dying.join();
        System.out.println("still up");
        System.out.flush();
        zombie.join(4000);
        System.exit(0);
    }

    private record Ended(int status, String output) {}

    private static Ended run(String exit, String how) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx64m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FatalErrorsTest.class.getName(),
                        exit,
                        how))
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
        return new Ended(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void anOutOfMemoryErrorInAnyThreadEndsTheProcessWithStatus70AndALineSayingWhy() throws Exception {
        Ended ended = run("exit", "oom");
        assertEquals(FatalErrors.EXIT_STATUS, ended.status(), ended.output());
        assertTrue(
                ended.output().contains("FATAL: thread pool-1-thread-1 died of java.lang.OutOfMemoryError"),
                ended.output());
        assertTrue(ended.output().contains("so that the supervisor restarts Vigil"), ended.output());
        assertFalse(ended.output().contains("still up"), ended.output());
    }

    @Test
    void anEssentialThreadDyingOfAnExceptionEndsTheProcess() throws Exception {
        Ended ended = run("exit", "vigil-thread");
        assertEquals(FatalErrors.EXIT_STATUS, ended.status(), ended.output());
        assertTrue(
                ended.output()
                        .contains(
                                "FATAL: thread vigil-notifier died of java.lang.IllegalStateException: a bug in an essential thread"),
                ended.output());
    }

    @Test
    void anotherThreadDyingOfAnExceptionIsLoggedAndTheProcessCarriesOn() throws Exception {
        Ended ended = run("exit", "other");
        assertEquals(0, ended.status(), ended.output());
        assertTrue(
                ended.output().contains("thread pool-1-thread-1 died of java.lang.IllegalStateException"),
                ended.output());
        assertTrue(ended.output().contains("still up"), ended.output());
    }

    @Test
    void withoutExitOnFatalAnErrorIsOnlyLogged() throws Exception {
        // what a library user or a test gets: the process is theirs to end
        Ended ended = run("log-only", "oom");
        assertEquals(0, ended.status(), ended.output());
        assertTrue(ended.output().contains("still up"), ended.output());
    }
}
