package io.vigil.collectors.publish;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka answers, as the operator reads it in the log: one line when it stops answering
 * (with what to check), one when everything spooled meanwhile has been replayed. Driven by the
 * delivery thread only.
 */
final class Reachability {
    enum State {
        UP,
        DOWN,
        CATCHING_UP
    }

    private static final Logger log = LoggerFactory.getLogger(Reachability.class);

    private final String node;
    private final String bootstrap;
    private final String spoolDir;
    private State state = State.UP;
    private long downSinceNanos;
    private long awayNanos;
    private long replayed;
    private long catchUpThrough;

    Reachability(String node, String bootstrap, String spoolDir) {
        this.node = node;
        this.bootstrap = bootstrap;
        this.spoolDir = spoolDir;
    }

    State state() {
        return state;
    }

    /**
     * Kafka did not acknowledge in time, or a send failed for a reason that is not the record's;
     * {@code sinceNanos} is when the oldest unanswered record was handed over (MAX_VALUE: now).
     */
    void lost(String cause, long spooledEvents, long sinceNanos) {
        if (state == State.DOWN) {
            return;
        }
        if (state == State.UP) {
            long now = System.nanoTime();
            downSinceNanos = sinceNanos == Long.MAX_VALUE || sinceNanos - now > 0 ? now : sinceNanos;
            replayed = 0;
        }
        state = State.DOWN;
        log.warn(
                "node {}: Kafka unreachable ({}); spooling events to {} ({} queued). Check that the brokers in"
                        + " bootstrap.servers={} run and are reachable from this host (address, port, firewall, DNS) and that"
                        + " topic vigil.telemetry exists",
                node,
                cause,
                spoolDir,
                spooledEvents,
                bootstrap);
    }

    /**
     * Kafka acknowledged {@code count} records, through seq {@code through}; {@code spooledLast}
     * is the newest seq queued right now, which ends the replay when Kafka has just come back.
     */
    void acknowledged(int count, long through, long spooledLast) {
        if (state == State.UP) {
            return;
        }
        if (state == State.DOWN) {
            state = State.CATCHING_UP;
            awayNanos = System.nanoTime() - downSinceNanos;
            catchUpThrough = spooledLast;
        }
        replayed += count;
        if (through >= catchUpThrough) {
            state = State.UP;
            log.info(
                    "node {}: Kafka at {} is reachable again after {} s away; replayed {} spooled events",
                    node,
                    bootstrap,
                    Duration.ofNanos(awayNanos).toMillis() / 1000.0,
                    replayed);
        }
    }
}
