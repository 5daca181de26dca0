package io.vigil.sim;

import io.vigil.collectors.command.RunningCommand;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running {@code drbdsetup events2} on a simulated host: lines are queued by the host as its
 * state changes (under the pair's lock, so in order) and handed to the consumer on this stream's
 * own thread, as a real process's stdout reader would. A stream on a host that goes down simply
 * falls silent; when the host comes back it ends, as the process would have died with the host.
 */
final class Events2Stream implements RunningCommand {
    /** what a killed process reports (SIGKILL) */
    static final int KILLED = 137;

    private static final String END = "\u0000end";

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread reader;
    /** the deterministic rig's mode: lines reach the consumer on the thread that caused them, in order, with no reader thread */
    private final boolean direct;

    private final Consumer<String> consumer;
    private volatile int exitCode = KILLED;
    private volatile boolean closing;

    final boolean timestamps;
    final boolean statistics;

    Events2Stream(String host, Consumer<String> consumer) {
        this(host, consumer, false, false, false);
    }

    Events2Stream(String host, Consumer<String> consumer, boolean timestamps, boolean statistics, boolean direct) {
        this.direct = direct;
        this.consumer = consumer;
        this.timestamps = timestamps;
        this.statistics = statistics;
        reader = new Thread(() -> deliver(consumer), "sim-events2-" + host);
        reader.setDaemon(true);
    }

    void begin() {
        if (!direct) {
            reader.start();
        }
    }

    /** Called under the pair's lock, so lines of all streams are queued in the order they happened. */
    void push(String line) {
        if (closing) {
            return;
        }
        if (direct) {
            try {
                consumer.accept(line);
            } catch (RuntimeException e) {
                // as below: a consumer that throws does not stop the stream
            }
        } else {
            lines.add(line);
        }
    }

    /** Ends the stream after the lines already queued, with {@code code} as its exit status. */
    void end(int code) {
        exitCode = code;
        closing = true;
        if (direct) {
            ended.countDown();
        } else {
            lines.add(END);
        }
    }

    boolean ended() {
        return closing;
    }

    private void deliver(Consumer<String> consumer) {
        try {
            while (true) {
                String line = lines.take();
                if (line == END) {
                    return;
                }
                try {
                    consumer.accept(line);
                } catch (RuntimeException e) {
                    // a consumer that throws does not stop a real process's output either
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended.countDown();
        }
    }

    @Override
    public boolean isAlive() {
        return ended.getCount() > 0;
    }

    @Override
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(exitCode) : OptionalInt.empty();
    }

    @Override
    public String stderrTail() {
        return "";
    }

    @Override
    public void close() {
        if (!closing) {
            lines.clear(); // a killed process prints nothing more
            end(KILLED);
        }
        try {
            ended.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
