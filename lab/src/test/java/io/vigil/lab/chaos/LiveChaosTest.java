package io.vigil.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.lab.scenario.Scenario;
import io.vigil.lab.scenario.ScenarioStep;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chaos run on the live lab, judged by the same watch as the rig's: the disk fails and the
 * engine's own JVM is killed with SIGKILL at once (the page is due from its successor),
 * the real broker is stopped and started, an agent is killed and started, the disk is replaced.
 */
class LiveChaosTest {

    @Test
    void aShortRunOnTheLiveLabHoldsEveryInvariantAndPagesAtTheReceiver(@TempDir Path work) throws Exception {
        String topology;
        try (InputStream in = LiveChaosTest.class.getResourceAsStream("/io/vigil/lab/lab-topology.yaml")) {
            topology = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Scenario.Timed> steps = List.of(
                step(3, new ScenarioStep.InjectFault("disk-fail node-a /dev/sda")),
                // killed as the disk fails, before it could page: the page is due from its successor once that runs
                step(3, new ScenarioStep.CrashEngine()),
                step(22, new ScenarioStep.Kafka(false)),
                step(30, new ScenarioStep.Kafka(true)),
                step(36, new ScenarioStep.Agent("node-b", false)),
                step(41, new ScenarioStep.Agent("node-b", true)),
                step(46, new ScenarioStep.InjectFault("disk-replace node-a /dev/sda")));
        Scenario story = new Scenario(
                "live-chaos-test",
                "a short live chaos run",
                "lab-topology.yaml",
                topology,
                steps,
                Duration.ofSeconds(1),
                Duration.ofSeconds(75),
                Optional.empty());
        ChaosPlan plan = new ChaosPlan(
                0,
                1,
                story,
                List.of(
                        new ChaosPlan.Injected(
                                "disk-fail",
                                "disk-fail node-a /dev/sda",
                                Duration.ofSeconds(3),
                                Duration.ofSeconds(46)),
                        new ChaosPlan.Injected(
                                "engine-crash", "engine-crash", Duration.ofSeconds(3), Duration.ofSeconds(3)),
                        new ChaosPlan.Injected(
                                "kafka-outage", "kafka-down", Duration.ofSeconds(22), Duration.ofSeconds(30)),
                        new ChaosPlan.Injected(
                                "agent-kill", "agent-kill node-b", Duration.ofSeconds(36), Duration.ofSeconds(41))),
                Duration.ofSeconds(46));
        List<String> progress = new ArrayList<>();

        ChaosVerdict verdict = new ChaosCampaign().playLive(plan, work, progress::add);
        String timeline = String.join("\n", verdict.timeline());

        assertEquals(List.of(), verdict.violations(), timeline);
        assertEquals(
                Map.of("disk-fail", 1, "engine-crash", 1, "kafka-outage", 1, "agent-kill", 1),
                verdict.applied(),
                timeline);
        assertTrue(
                verdict.recoveries().containsKey("disk-fail"),
                "the VMs were served again after the disk failed: " + verdict.recoveries() + "\n" + timeline);
        assertTrue(
                timeline.contains("engine  killed with SIGKILL") && timeline.contains("kafka   broker stopped"),
                timeline);
        assertTrue(
                verdict.timeline().stream().anyMatch(l -> l.contains("page    DrbdLocalDiskLost firing")),
                "the disk paged at the webhook receiver: " + timeline);
    }

    private static Scenario.Timed step(int second, ScenarioStep step) {
        return new Scenario.Timed(Duration.ofSeconds(second), 0, step);
    }
}
