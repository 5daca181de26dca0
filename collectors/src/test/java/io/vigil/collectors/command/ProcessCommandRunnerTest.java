package io.vigil.collectors.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void passesArgumentsVerbatimWithoutAShell() throws Exception {
        CommandResult result =
                runner.run(Command.of("printf", "%s|", "a b", "$(id)", "; reboot"), Duration.ofSeconds(5));
        assertEquals(0, result.exitCode());
        assertEquals("a b|$(id)|; reboot|", result.stdout());
    }

    @Test
    void reportsNonZeroExitWithoutThrowing() throws Exception {
        CommandResult result = runner.run(Command.of("sh", "-c", "echo oops >&2; exit 3"), Duration.ofSeconds(5));
        assertEquals(3, result.exitCode());
        assertEquals("oops\n", result.stderr());
    }

    @Test
    void killsACommandThatHangs() {
        long start = System.nanoTime();
        CommandException e = assertThrows(
                CommandException.class, () -> runner.run(Command.of("sleep", "30"), Duration.ofMillis(300)));
        assertTrue(e.timedOut());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    }

    @Test
    void saysWhenTheProgramDoesNotExist() {
        CommandException e = assertThrows(
                CommandException.class,
                () -> runner.run(Command.of("/nonexistent/drbdsetup", "status"), Duration.ofSeconds(5)));
        assertFalse(e.timedOut());
        assertTrue(e.getMessage().contains("/nonexistent/drbdsetup"), e.getMessage());
    }

    @Test
    void streamsLinesOfALongRunningCommandAndStopsIt() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (RunningCommand running =
                runner.start(Command.of("sh", "-c", "echo one; echo two; exec sleep 30"), lines::add)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 2);
            assertEquals(List.of("one", "two"), lines);
            assertTrue(running.isAlive());
            running.close();
            assertTrue(running.awaitExit(Duration.ofSeconds(5)).isPresent());
        }
    }

    @Test
    void hasTheWholeStderrOnceTheExitIsSeen() throws Exception {
        // the reason a tool gives for exiting must be in the error the probe reports; 20 runs
        // because the race it guards against (exit seen before stderr drained) is a timing one
        for (int i = 0; i < 20; i++) {
            try (RunningCommand running =
                    runner.start(Command.of("sh", "-c", "echo 'no such module' >&2; exit 20"), line -> {})) {
                assertEquals(20, running.awaitExit(Duration.ofSeconds(5)).orElseThrow());
                assertEquals("no such module", running.stderrTail());
            }
        }
    }

    @Test
    void refusesNulInArguments() {
        assertThrows(IllegalArgumentException.class, () -> Command.of("echo", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> new Command(List.of()));
    }
}
