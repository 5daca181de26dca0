package io.vigil.rules.notify;

import io.vigil.service.retry.Backoff;
import java.time.Duration;

/**
 * Something that tells people: one attempt to deliver one notification, and whether a failure
 * is worth another try. Retrying, deduplication and muting are the notifier's, not the receiver's.
 */
public interface Receiver {
    /** How long to wait before trying a receiver again: 1 s, doubling to 30 s. */
    Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    String name();

    /** What came of one attempt. */
    sealed interface Outcome {
        /** Delivered; {@code answer} is what the other side said, for logs and {@code vigil notify test}. */
        record Delivered(String answer) implements Outcome {}

        /** Not delivered, worth trying again (unreachable, 429, 5xx). */
        record Retry(String why) implements Outcome {}

        /** Refused for good (400: trying again would fail the same way). */
        record Refused(String why) implements Outcome {}
    }

    Outcome deliver(Notification notification) throws InterruptedException;
}
