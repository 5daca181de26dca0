package io.vigil.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.sim.SimulatedPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A live story is quiet only once neither the pair nor its timeline changed for Settling.QUIET since the last step. */
class SettlingTest {
    private static final Instant STEP = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anUnchangedPairIsQuietOnlyAQuietSpellAfterTheLastStep() throws Exception {
        Settling settling = new Settling(
                SimulatedPair.seed(), FailoverRigTest.labTopology().clusters().get("pair-1"));
        assertFalse(settling.quiet(STEP.plusSeconds(1), STEP, 3));
        assertFalse(settling.quiet(STEP.plus(Settling.QUIET).minusMillis(1), STEP, 3));
        assertTrue(settling.quiet(STEP.plus(Settling.QUIET), STEP, 3));
    }

    @Test
    void aChangeOnThePairOrANewTimelineLineStartsTheQuietSpellAgain() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        Settling settling =
                new Settling(pair, FailoverRigTest.labTopology().clusters().get("pair-1"));
        Instant later = STEP.plus(Settling.QUIET).plusSeconds(5);
        assertTrue(settling.quiet(later, STEP, 3));

        pair.inject("disk-fail node-a /dev/sda");
        assertFalse(settling.quiet(later.plusSeconds(1), STEP, 3), "node-a's disks went Diskless");
        assertFalse(settling.quiet(later.plus(Settling.QUIET), STEP, 3));
        assertTrue(settling.quiet(later.plusSeconds(1).plus(Settling.QUIET), STEP, 3));

        Instant line = later.plusSeconds(100);
        assertFalse(
                settling.quiet(line, STEP, 4),
                "a new line in the timeline: an action, an audit entry, an alert, a page");
        assertTrue(settling.quiet(line.plus(Settling.QUIET), STEP, 4));

        pair.nodeA().setVmMemory("web", pair.nodeA().vmMemoryKiB("web") / 2);
        assertFalse(settling.quiet(line.plus(Settling.QUIET).plusSeconds(1), STEP, 4), "web was ballooned down");
    }
}
