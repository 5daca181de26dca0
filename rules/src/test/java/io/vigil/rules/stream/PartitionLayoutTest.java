package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Topics;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionLayoutTest {
    private static final PartitionLayout.Reset RESET = new PartitionLayout.Reset("kafka:9092", "vigil-engine");

    @Test
    void sourcesAndChangelogsOfOneCountStartAndRun() {
        PartitionLayout layout = new PartitionLayout(
                Map.of(Topics.TELEMETRY, 6, Topics.FAILOVER_COMMANDS, 6),
                Map.of("vigil-engine-alert-scopes-changelog", 6));
        assertEquals(Optional.empty(), layout.problemAtStart(RESET));
        assertEquals(Optional.empty(), layout.changedFrom(6, RESET));
        assertEquals(6, layout.telemetry());
    }

    @Test
    void aFirstStartHasNoChangelogsToDisagree() {
        assertEquals(
                Optional.empty(), new PartitionLayout(Map.of(Topics.TELEMETRY, 12), Map.of()).problemAtStart(RESET));
    }

    @Test
    void failoverCommandsWithFewerPartitionsThanTelemetryStopTheStartWithTheCommandThatGrowsThem() {
        // a command for a cluster of partition 7 would land in partition 1's task, which does not hold its sagas
        String problem = new PartitionLayout(
                        Map.of(Topics.TELEMETRY, 12, Topics.FAILOVER_COMMANDS, 6),
                        Map.of("vigil-engine-failover-sagas-changelog", 12))
                .problemAtStart(RESET)
                .orElseThrow();
        assertEquals(
                "vigil.failover-commands has 6 partitions and vigil.telemetry 12: both are keyed by cluster, and a cluster's"
                        + " failover commands must reach the task that holds its telemetry, so the engine does not start. Grow"
                        + " vigil.failover-commands to 12 (kafka-topics.sh --bootstrap-server kafka:9092 --alter --topic vigil.failover-commands"
                        + " --partitions 12) and start the engine",
                problem);
    }

    @Test
    void failoverCommandsGrownWithoutTelemetryNeedTelemetryGrownAndTheResetForTheStoresMadeForTheOldCount() {
        String problem = new PartitionLayout(
                        Map.of(Topics.TELEMETRY, 6, Topics.FAILOVER_COMMANDS, 12),
                        Map.of("vigil-engine-failover-sagas-changelog", 6))
                .problemAtStart(RESET)
                .orElseThrow();
        assertTrue(problem.startsWith("vigil.failover-commands has 12 partitions and vigil.telemetry 6"), problem);
        assertTrue(
                problem.contains(
                        "To evaluate on 12 partitions: stop every engine instance of vigil-engine; grow vigil.telemetry to 12"
                                + " (kafka-topics.sh --bootstrap-server kafka:9092 --alter --topic vigil.telemetry --partitions 12); run"
                                + " kafka-streams-application-reset.sh"),
                problem);
    }

    @Test
    void telemetryGrownPastItsChangelogsStopsTheStartWithTheCountsAndTheReset() {
        String problem = new PartitionLayout(
                        Map.of(Topics.TELEMETRY, 12),
                        Map.of("vigil-engine-node-presence-changelog", 6, "vigil-engine-alert-scopes-changelog", 6))
                .problemAtStart(RESET)
                .orElseThrow();
        assertTrue(
                problem.startsWith("vigil.telemetry has 12 partitions but the engine's stores were made for 6"
                        + " (vigil-engine-alert-scopes-changelog has 6)"),
                problem);
        assertTrue(
                problem.contains(
                        "To evaluate on 12 partitions: stop every engine instance of vigil-engine; run"
                                + " kafka-streams-application-reset.sh --bootstrap-server kafka:9092 --application-id vigil-engine --force"),
                problem);
    }

    @Test
    void aSourceGrownUnderARunningEngineNamesTheTopicBothCountsAndTheOtherSourceToGrow() {
        String change = new PartitionLayout(Map.of(Topics.TELEMETRY, 12, Topics.FAILOVER_COMMANDS, 6), Map.of())
                .changedFrom(6, RESET)
                .orElseThrow();
        assertTrue(
                change.startsWith("vigil.telemetry now has 12 partitions, not the 6 this engine started with"), change);
        assertTrue(
                change.contains("To evaluate on 12 partitions: stop every engine instance of vigil-engine; grow"
                        + " vigil.failover-commands to 12 (kafka-topics.sh --bootstrap-server kafka:9092 --alter --topic"
                        + " vigil.failover-commands --partitions 12); run kafka-streams-application-reset.sh"),
                change);
    }
}
