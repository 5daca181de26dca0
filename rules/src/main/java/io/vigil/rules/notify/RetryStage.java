package io.vigil.rules.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Tries a delivery again while its receiver says it is worth it, with backoff (1 s doubling to
 * 30 s), until {@code deadline} has passed since the first attempt; then the group waits for its
 * next turn. Each failed attempt is reported as it happens, so that the receiver's health is known
 * at the first failure, not when the retries are over. Runs on the receiver's lane; stops when the
 * lane is interrupted (the notifier standing by).
 */
final class RetryStage implements Receiver {
    /** What waits between two attempts: the lane's thread sleeping, or a test's clock moving. */
    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Told of each failed attempt that will be tried again. */
    interface FailedAttempt {
        void failed(String receiver, String why, Instant at);
    }

    private final Receiver next;
    private final Clock clock;
    private final Pause pause;
    private final Duration deadline;
    private final FailedAttempt listener;

    RetryStage(Receiver next, Clock clock, Pause pause, Duration deadline, FailedAttempt listener) {
        this.next = next;
        this.clock = clock;
        this.pause = pause;
        this.deadline = deadline;
        this.listener = listener;
    }

    @Override
    public String name() {
        return next.name();
    }

    @Override
    public Outcome deliver(Notification n) throws InterruptedException {
        Duration backoff = RETRY.first();
        Instant giveUp = clock.instant().plus(deadline);
        while (true) {
            Outcome outcome = next.deliver(n);
            if (!(outcome instanceof Outcome.Retry r) || Thread.currentThread().isInterrupted()) {
                return outcome;
            }
            Instant at = clock.instant();
            listener.failed(next.name(), r.why(), at);
            if (at.plus(backoff).isAfter(giveUp)) {
                return outcome;
            }
            try {
                pause.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            backoff = RETRY.next(backoff);
        }
    }
}
