package io.vigil.service.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void doublesFromTheFirstWaitUpToItsLongest() {
        List<Long> waits = new ArrayList<>();
        Duration wait = backoff.first();
        for (int i = 0; i < 9; i++) {
            waits.add(wait.toSeconds());
            wait = backoff.next(wait);
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), waits);
    }

    @Test
    void startsOverAfterATryThatHeldAsLongAsTheLongestWait() {
        Duration waited = Duration.ofSeconds(32);
        assertEquals(
                Duration.ofSeconds(32),
                backoff.afterTry(waited, Duration.ofSeconds(59)),
                "a try that failed soon keeps the wait");
        assertEquals(
                Duration.ofSeconds(1),
                backoff.afterTry(waited, Duration.ofSeconds(60)),
                "one that held a while was a healthy one");
    }

    @Test
    void refusesAFirstWaitLongerThanItsLongestOrNone() {
        String message = assertThrows(
                        IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .getMessage();
        assertTrue(message.contains("2s") && message.contains("1s"), message);
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
