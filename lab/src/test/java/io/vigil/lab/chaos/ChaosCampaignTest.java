package io.vigil.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.lab.scenario.Scenario;
import io.vigil.lab.scenario.ScenarioLoader;
import io.vigil.lab.scenario.ScenarioStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
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

    /** The small N that CI runs; docs/failover.md gives the figures of a thousand runs and the command for them. */
    @Test
    void twentyRunsOfAFixedSeedBreakNoInvariant(@TempDir Path dir) throws Exception {
        ChaosReport report = campaign.campaign(2026, 20, dir, v -> {});
        assertEquals(20, report.runs());
        assertTrue(report.faults().values().stream().mapToInt(Integer::intValue).sum() >= 20, report.text());
        assertEquals(List.of(), report.failed(), report.text());
    }

    /**
     * Run 151 of seed 2027: node-a goes down during a Kafka outage, in which the engine is killed twice. NodeSilent pages
     * 15 s after Kafka's return; the watch moved the deadline to Kafka's return and then back to the second crash's end,
     * which came first, and called the page late. An outage moves a deadline later, never sooner.
     */
    @Test
    void aDeadlineMovedByAnOutageIsNotBroughtForwardByAShorterOneWithinIt(@TempDir Path dir) throws Exception {
        ChaosVerdict played = campaign.play(2027, 151, dir);
        assertTrue(played.applied().containsKey("host-down"), played.applied().toString());
        assertEquals(List.of(), played.violations());
    }

    /** A flapping disk is one fault: two to four failures of one disk, each replaced 5 to 40 s later, undone at its last replacement. */
    @Test
    void aFlappingDiskIsOneFaultOfFailuresAndReplacementsInTurn(@TempDir Path dir) throws Exception {
        ChaosPlan plan = IntStream.rangeClosed(1, 500)
                .mapToObj(run -> campaign.plan(2026, run))
                .filter(p -> p.faults().size() == 1 && p.faults().get(0).kind().equals("disk-flap"))
                .findFirst()
                .orElseThrow();
        ChaosPlan.Injected flap = plan.faults().stream()
                .filter(f -> f.kind().equals("disk-flap"))
                .findFirst()
                .orElseThrow();
        String disk = flap.line().substring("disk-fail ".length());
        List<Scenario.Timed> changes = plan.scenario().schedule().stream()
                .filter(t -> t.step() instanceof ScenarioStep.InjectFault f
                        && f.fault().endsWith(disk)
                        && t.at().compareTo(flap.undoneAt()) <= 0
                        && t.at().compareTo(flap.at()) >= 0)
                .toList();
        assertTrue(changes.size() >= 4 && changes.size() <= 8 && changes.size() % 2 == 0, changes.toString());
        for (int i = 0; i < changes.size(); i++) {
            String fault = ((ScenarioStep.InjectFault) changes.get(i).step()).fault();
            assertEquals((i % 2 == 0 ? "disk-fail " : "disk-replace ") + disk, fault, changes.toString());
            if (i > 0) {
                long gap = changes.get(i).at().minus(changes.get(i - 1).at()).toSeconds();
                assertTrue(gap >= 5 && gap <= 40, changes.toString());
            }
        }
        assertEquals(flap.at(), changes.get(0).at());
        assertEquals(flap.undoneAt(), changes.get(changes.size() - 1).at());
        ChaosVerdict played = campaign.play(plan.seed(), plan.run(), dir);
        assertEquals(
                Map.of("disk-flap", 1), played.applied(), "the flap's failures are not disk-fail faults of their own");
        assertEquals(List.of(), played.violations());
    }

    /**
     * Found by run 849 of seed 1: node-a froze, the engine crashed 7 s later and was restarted 23 s
     * after that. Each new instance counts silence from its take-over (its grace, then NodeSilent's
     * wait), as designed; the watch moved the page's deadline for the crash but not for the
     * restart, and judged a page in time as late. A restart is a take-over too.
     */
    @Test
    void anEngineRestartMovesAPagesDeadlineAsACrashDoes(@TempDir Path dir) throws Exception {
        ChaosVerdict run = campaign.play(1, 849, dir);
        assertEquals(List.of(), run.violations(), String.join("\n", run.timeline()));
    }

    /** A shipped story played under a chaos run's watch, its faults as given. */
    private ChaosVerdict watched(String story, Path dir, ChaosPlan.Injected... faults) throws Exception {
        Scenario scenario = ScenarioLoader.load(story);
        return campaign.play(new ChaosPlan(0, 1, scenario, List.of(faults), faults[faults.length - 1].undoneAt()), dir);
    }

    /**
     * Found live by run 4 of seed 1: VmNotRunning paged for mail as the saga turned Healthy and resolved a second later,
     * when node-a's VM probe reported it home. Nothing happened in between but the report: a flapping page.
     */
    @Test
    void aPageThatResolvesASecondLaterWithNothingChangedIsAViolation(@TempDir Path dir) throws Exception {
        ChaosVerdict verdict = watched(
                "failback-outruns-the-vm-report",
                dir,
                new ChaosPlan.Injected(
                        "disk-fail", "disk-fail node-a /dev/sda", Duration.ofSeconds(5), Duration.ofSeconds(122)));
        assertEquals(List.of(), verdict.violations(), String.join("\n", verdict.timeline()));
    }

    /** A disk failed and replaced five seconds later paged, then resolved: the replacement ended it, and the page was true. */
    @Test
    void aPageEndedByTheFaultsUndoIsNotAFlappingPage(@TempDir Path dir) throws Exception {
        Scenario story = new Scenario(
                "short-disk-failure",
                "a disk fails and is replaced 5 s later",
                "lab-topology.yaml",
                ScenarioLoader.load("disk-failure").topologyText(),
                List.of(
                        new Scenario.Timed(
                                Duration.ofSeconds(5), 1, new ScenarioStep.InjectFault("disk-fail node-a /dev/sda")),
                        new Scenario.Timed(
                                Duration.ofSeconds(10),
                                2,
                                new ScenarioStep.InjectFault("disk-replace node-a /dev/sda"))),
                Duration.ofSeconds(1),
                Duration.ofSeconds(90),
                Optional.empty());
        ChaosVerdict verdict = campaign.play(
                new ChaosPlan(
                        0,
                        1,
                        story,
                        List.of(new ChaosPlan.Injected(
                                "disk-fail",
                                "disk-fail node-a /dev/sda",
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(10))),
                        Duration.ofSeconds(10)),
                dir);
        String timeline = String.join("\n", verdict.timeline());
        assertTrue(
                timeline.contains("DrbdLocalDiskLost firing") && timeline.contains("DrbdLocalDiskLost resolved"),
                timeline);
        assertEquals(List.of(), verdict.violations(), timeline);
    }
}
