package io.vigil.collectors.command;

import java.time.Duration;
import java.util.OptionalInt;

/** A long-running command whose output lines are being delivered as they are printed. */
public interface RunningCommand extends AutoCloseable {
    boolean isAlive();

    /** Waits up to {@code timeout} for the command to end; its exit code, or empty if still running. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException;

    /** The last lines it printed on stderr, for the error that reports why it ended. */
    String stderrTail();

    /** Stops the command (and kills it if it does not stop at once). */
    @Override
    void close();
}
