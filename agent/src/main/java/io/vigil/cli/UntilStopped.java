package io.vigil.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command (lab, agent, engine) stops: on SIGTERM or Ctrl-C, or when the
 * command itself calls {@link #stop()}. A shutdown hook alone would let the JVM halt while the
 * command is still closing its parts (flushing Kafka, printing a summary, removing temporary
 * data), so the hook only says "stop" and then waits, up to {@link #CLOSE_TIMEOUT}, until the
 * command has closed everything. Open it before the parts it must outlive and let
 * try-with-resources close it last:
 *
 * <pre>
 * try (UntilStopped running = UntilStopped.install("engine"); Engine engine = Engine.start(...)) {
 *     running.await();
 * }
 * </pre>
 */
public final class UntilStopped implements AutoCloseable {
    /** How long a SIGTERM waits for the command to close before the JVM goes anyway. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    private UntilStopped(String command) {
        hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        closed.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                command + "-shutdown");
    }

    /** Installs the shutdown hook of {@code command} ("lab", "engine", "agent"). */
    public static UntilStopped install(String command) {
        UntilStopped running = new UntilStopped(command);
        Runtime.getRuntime().addShutdownHook(running.hook);
        return running;
    }

    /** Asks the command to stop, as SIGTERM does. */
    public void stop() {
        stop.countDown();
    }

    /** Returns once the command is asked to stop. */
    public void await() throws InterruptedException {
        stop.await();
    }

    /** Everything opened after this is closed: a SIGTERM waiting for it lets the JVM go. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down (SIGTERM, Ctrl-C): the hook is running and now returns
        }
    }
}
