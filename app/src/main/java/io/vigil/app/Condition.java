package io.vigil.app;

import java.time.Duration;

/** Something a bench waits for in a running lab, polled until it holds or its time is up. */
@FunctionalInterface
interface Condition {
    boolean holds() throws Exception;

    /** Polls {@code condition} every 5 ms; throws IllegalStateException naming {@code what} when {@code timeout} passes first. */
    static void await(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what + " in vain");
            }
            Thread.sleep(5);
        }
    }
}
