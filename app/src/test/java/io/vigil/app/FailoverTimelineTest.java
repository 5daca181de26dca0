package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverTimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    /**
     * A recorded failover: fault at 0, the agent's event at 2 ms, the saga at 40 ms; then two
     * actions issued together at 50 ms (node-b's result last, at 140 ms after a 30 ms tool), a
     * promotion issued at 170 ms, a migration at 260 ms whose tool ran 500 ms until 820 ms, every
     * VM running at 800 ms, and a demotion issued after that, which is no part of the move.
     */
    @Test
    void splitsVigilsShareFromTheToolsAlongTheCriticalPath() {
        FailoverTimeline timeline = new FailoverTimeline(
                at(0),
                Optional.of(at(2)),
                at(40),
                List.of(
                        new FailoverTimeline.Step("s:allow-two:node-a:1", at(50), at(100), 0.010),
                        new FailoverTimeline.Step("s:allow-two:node-b:1", at(50), at(140), 0.030),
                        new FailoverTimeline.Step("s:promote:node-b:1", at(170), at(230), 0.020),
                        new FailoverTimeline.Step("s:migrate:web:1", at(260), at(820), 0.500),
                        new FailoverTimeline.Step("s:demote:node-a:1", at(850), at(900), 0.010)),
                at(800));
        FailoverTimeline.Shares shares = timeline.shares();
        assertEquals(Duration.ofMillis(800), shares.total());
        assertEquals(Duration.ofMillis(40), shares.detection());
        assertEquals(Optional.of(Duration.ofMillis(2)), shares.toEvent());
        assertEquals(Duration.ofMillis(10), shares.decision(), "saga start to the first action");
        // node-b's allow-two began at 110 (60 after its issue), the promotion at 210 (40), the migration at 320 (60)
        assertEquals(Duration.ofMillis(160), shares.delivery(), "the batch counts once, by its last result");
        // 140 -> 170 and 230 -> 260
        assertEquals(Duration.ofMillis(60), shares.resultsBack());
        assertEquals(Duration.ofMillis(550), shares.tools(), "30 + 20 + 500; node-a's 10 ran beside node-b's");
        assertEquals(Duration.ofMillis(270), shares.vigil());
    }

    @Test
    void aSagaThatIssuedNothingBeforeTheVmsRanIsAllDetectionAndDecision() {
        FailoverTimeline timeline = new FailoverTimeline(at(0), Optional.empty(), at(30), List.of(), at(90));
        FailoverTimeline.Shares shares = timeline.shares();
        assertEquals(Duration.ZERO, shares.decision());
        assertEquals(Duration.ZERO, shares.tools());
        assertEquals(Duration.ofMillis(30), shares.vigil());
        assertEquals(Optional.empty(), shares.toEvent());
    }
}
