package io.vigil.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A story played on the live lab, ending once it has settled after its last step (its schedule's
 * end is the latest it plays): the real broker stopped and started, the engine's own JVM
 * killed with SIGKILL mid-failover, an agent killed and started, pages at a webhook receiver.
 */
class LivePlayTest {

    @Test
    void theDiskFailoverHoldsWhileTheEngineIsKilledKafkaStopsAndAnAgentDies(@TempDir Path work) throws Exception {
        Scenario scenario = ScenarioLoader.load(folder("disk-failure-under-fire"));
        List<String> progress = new ArrayList<>();
        ScenarioReport report = LivePlay.play(
                scenario, work, progress::add, ScenarioRunner.StepWatch.NONE, LivePlay.Ending.ONCE_SETTLED);
        String timeline = String.join("\n", report.timeline());

        assertEquals(List.of(), report.violations(), timeline);
        assertEquals(
                Map.of("node-a", "Secondary", "node-b", "Primary"),
                report.roles().get("r0"),
                timeline);
        assertEquals(List.of("backup", "db", "mail", "web"), report.placement().get("node-b"), timeline);
        assertEquals(List.of(), report.placement().get("node-a"), timeline);
        assertTrue(
                report.restarts().values().stream().allMatch(n -> n == 0),
                "live migration restarts nothing: " + report.restarts());
        // the engine is killed a second after the fault: the page is due within 5 s, or from the next instance once it
        // runs
        assertTrue(
                report.pages().stream()
                        .anyMatch(p -> p.alert().equals("DrbdLocalDiskLost")
                                && p.node().equals("node-a")
                                && p.atSeconds() < 3 + 30),
                "the disk paged at the receiver: " + report.pages() + "\n" + timeline);
        assertTrue(timeline.contains("engine  killed with SIGKILL"), timeline);
        assertTrue(
                report.sagas().stream()
                        .anyMatch(s -> s.resource().equals("r0") && s.phase().equals("FailedOver")),
                report.sagas() + "\n" + timeline);
        assertTrue(progress.stream().anyMatch(l -> l.contains("kafka-down")), "progress names each step: " + progress);
    }

    @Test
    void anAgentKilledWhileItsCommandRunsReportsItFailedNeverRunsItTwiceAndTheSagaRetriesIt(@TempDir Path work)
            throws Exception {
        ScenarioReport report = LivePlay.play(
                ScenarioLoader.load(folder("agent-killed-mid-command")),
                work,
                line -> {},
                ScenarioRunner.StepWatch.NONE,
                LivePlay.Ending.ONCE_SETTLED);
        String timeline = String.join("\n", report.timeline());
        // the saga is done a second after the tools answer again (40 s): the story need not play to its end (100 s)
        assertTrue(timeline.contains("settled: nothing changed for"), "the story ends once settled: " + timeline);

        assertEquals(List.of(), report.violations(), timeline);
        assertTrue(
                timeline.contains("result  room:backup on node-b: failed")
                        && timeline.contains("the agent stopped while running it;" + " not run again"),
                "the cut-off command is reported failed from the journal: " + timeline);
        assertTrue(
                timeline.contains("action  pair-1:r0:1:room:backup:2"),
                "the saga retries the step under a new attempt: " + timeline);
        assertEquals(List.of("backup", "db", "mail", "web"), report.placement().get("node-b"), timeline);
        assertTrue(report.restarts().values().stream().allMatch(n -> n == 0), report.restarts() + "\n" + timeline);
    }

    private static String folder(String name) throws URISyntaxException {
        return Path.of(LivePlayTest.class
                        .getResource("/io/vigil/lab/live/" + name)
                        .toURI())
                .toString();
    }
}
