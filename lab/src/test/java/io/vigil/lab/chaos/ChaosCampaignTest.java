package io.vigil.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chaos runs on a fixed seed: the same seed gives the same runs, and no invariant breaks. */
class ChaosCampaignTest {
    private final ChaosCampaign campaign = new ChaosCampaign();

    @Test
    void theSameSeedAndRunGiveTheSameScheduleAndOtherRunsOthers() {
        ChaosPlan once = campaign.plan(42, 3);
        ChaosPlan again = campaign.plan(42, 3);
        assertEquals(once.faults(), again.faults());
        assertEquals(once.scenario().schedule(), again.scenario().schedule());
        assertNotEquals(once.faults(), campaign.plan(42, 4).faults());
        assertNotEquals(once.faults(), campaign.plan(43, 3).faults());
        assertEquals("./vigil lab chaos --seed 42 --run 3 --verbose", once.replay());
    }

    @Test
    void aRunPlayedTwiceGivesTheSameVerdictAndTimeline(@TempDir Path dir) throws Exception {
        ChaosVerdict first = campaign.play(7, 2, dir);
        ChaosVerdict second = campaign.play(7, 2, dir);
        assertEquals(first.timeline(), second.timeline());
        assertEquals(first.violations(), second.violations());
        assertEquals(first.recoveries(), second.recoveries());
    }

    /** The small N that CI runs; the README gives the figures of a thousand runs and the command for them. */
    @Test
    void twentyRunsOfAFixedSeedBreakNoInvariant(@TempDir Path dir) throws Exception {
        ChaosReport report = campaign.campaign(2026, 20, dir, v -> { });
        assertEquals(20, report.runs());
        assertTrue(report.faults().values().stream().mapToInt(Integer::intValue).sum() >= 20, report.text());
        assertEquals(List.of(), report.failed(), report.text());
    }
}
