package io.vigil.rules.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vigil.events.AlertState;
import io.vigil.rules.notify.Receiver.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry stage alone, on a clock that moves only when it pauses. */
class RetryStageTest {
    private static final Notification N = new Notification(
            "pager", "g", Map.of(), List.of(Alerts.lost(AlertState.FIRING)), List.of(), "http://vigil.test");

    private Instant now = Alerts.T;
    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    /** A receiver that answers as told, then delivers. */
    private static Receiver answering(Deque<Outcome> answers, List<Notification> seen) {
        return new Receiver() {
            @Override
            public String name() {
                return "pager";
            }

            @Override
            public Outcome deliver(Notification n) {
                seen.add(n);
                return answers.isEmpty() ? new Outcome.Delivered("202") : answers.poll();
            }
        };
    }

    private RetryStage stage(Receiver receiver) {
        return new RetryStage(
                receiver,
                clock,
                d -> {
                    pauses.add(d);
                    now = now.plus(d);
                },
                Duration.ofMinutes(1),
                (r, why, at) -> failures.add(
                        r + " at +" + Duration.between(Alerts.T, at).toSeconds() + "s: " + why));
    }

    @Test
    void aFailureWorthItIsTriedAgainAfterOneThenTwoSecondsAndEachFailureIsReportedAsItHappens() throws Exception {
        List<Notification> seen = new ArrayList<>();
        Outcome outcome = stage(
                        answering(new ArrayDeque<>(List.of(new Outcome.Retry("503"), new Outcome.Retry("503"))), seen))
                .deliver(N);
        assertInstanceOf(Outcome.Delivered.class, outcome);
        assertEquals(3, seen.size());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), pauses);
        assertEquals(List.of("pager at +0s: 503", "pager at +1s: 503"), failures);
    }

    @Test
    void itGivesUpWhenTheNextTryWouldBePastTheDeadline() throws Exception {
        List<Notification> seen = new ArrayList<>();
        Deque<Outcome> never = new ArrayDeque<>();
        for (int i = 0; i < 20; i++) {
            never.add(new Outcome.Retry("connection refused"));
        }
        Outcome outcome = stage(answering(never, seen)).deliver(N);
        assertInstanceOf(Outcome.Retry.class, outcome);
        // 1 + 2 + 4 + 8 + 16 = 31 s; the next wait (30 s, the most) would end past the minute
        assertEquals(
                List.of(1L, 2L, 4L, 8L, 16L),
                pauses.stream().map(Duration::toSeconds).toList());
        assertEquals(6, seen.size());
    }

    @Test
    void aRefusalIsNeverTriedAgain() throws Exception {
        List<Notification> seen = new ArrayList<>();
        Outcome outcome = stage(
                        answering(new ArrayDeque<>(List.of(new Outcome.Refused("400 invalid routing key"))), seen))
                .deliver(N);
        assertInstanceOf(Outcome.Refused.class, outcome);
        assertEquals(1, seen.size());
        assertEquals(List.of(), pauses);
        assertEquals(List.of(), failures);
    }
}
