package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil lab --scenario}: a story played unattended, as a timeline or a JSON summary. */
class ScenarioPlayTest {

    @Test
    void theSeedStoryEndsHomeWithNoRestartAndSaysSoInItsSummary(@TempDir Path dir) throws Exception {
        CommandOutput run =
                CommandOutput.run("lab", "--scenario", "disk-failure", "--json", "--data-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertEquals(
                "[\"mail\",\"web\"]", summary.get("placement").get("node-a").toString());
        assertEquals("Primary", summary.get("roles").get("r0").get("node-a").asText());
        summary.get("restarts")
                .forEach(n -> assertEquals(0, n.asInt(), summary.get("restarts").toString()));
        assertTrue(summary.get("violations").isEmpty());
        JsonNode saga = summary.get("sagas").get(0);
        assertEquals("Healthy", saga.get("phase").asText());
        assertTrue(saga.get("phases").toString().contains("Evacuating"), saga.toString());
        assertTrue(
                summary.get("pages").toString().contains("DrbdLocalDiskLost"),
                summary.get("pages").toString());
    }

    @Test
    void aBrokenFenceIsPrintedAsATimelineWithTheStuckPageAndNoPromotion() {
        CommandOutput run = CommandOutput.run("lab", "--scenario", "fence-fails");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("FailoverStuck"), run.out());
        assertFalse(run.out().contains("drbd-primary"), run.out());
        assertTrue(run.out().contains("final   invariants: all held"), run.out());
    }

    @Test
    void aUsersScenarioFolderWithABadLineIsRefusedWithItsFileAndLine(@TempDir Path dir) throws Exception {
        Path story = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(story.resolve("README"), "mine\n");
        Files.writeString(
                story.resolve("schedule"),
                "end 1m\n5s fault disk-fail node-a /dev/sda\n10s fault disk-explode node-a\n");
        CommandOutput run = CommandOutput.run("lab", "--scenario", story.toString());
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("schedule:3") && run.err().contains("disk-explode"), run.err());
    }

    @Test
    void aUsersScenarioFolderPlaysWithTheLabsTopology(@TempDir Path dir) throws Exception {
        Path story = Files.createDirectories(dir.resolve("link"));
        Files.writeString(story.resolve("README"), "the link is cut and stays cut\n");
        Files.writeString(story.resolve("schedule"), "end 2m\n5s fault link-cut\n");
        CommandOutput run = CommandOutput.run("lab", "--scenario", story.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("DrbdDisconnected firing"), run.out());
        assertFalse(run.out().contains("decision"), "a cut link moves nothing: " + run.out());
    }

    @Test
    void aScenarioTakesNoDurationOrFaultsAndTheListNamesTheShippedOnes() {
        CommandOutput both = CommandOutput.run("lab", "--scenario", "disk-failure", "--duration", "5s");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--scenario plays its own schedule"), both.err());
        CommandOutput list = CommandOutput.run("lab", "--list-scenarios");
        assertEquals(0, list.exitCode());
        assertTrue(
                list.out().contains("disk-failure")
                        && list.out().contains("split-brain")
                        && list.out().contains("engine-restart"),
                list.out());
    }

    @Test
    void liveNeedsAScenarioAndABrokenOneIsRefusedBeforeAnyLabStarts(@TempDir Path dir) throws Exception {
        CommandOutput alone = CommandOutput.run("lab", "--live", "--duration", "5s");
        assertEquals(2, alone.exitCode());
        assertTrue(
                alone.err().contains("--live plays a scenario on the live lab; give it one with --scenario NAME"),
                alone.err());
        CommandOutput unknown =
                CommandOutput.run("lab", "--scenario", dir.resolve("nowhere").toString(), "--live");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("no scenario folder at"), unknown.err());
    }
}
