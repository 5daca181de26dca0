package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code vigil lab chaos}: the report, the replay of one run, JSON, and what it refuses. */
class LabChaosCommandTest {

    @Test
    void aCampaignPrintsItsReportAndOneRunReplaysWithItsTimeline() {
        CommandOutput campaign = CommandOutput.run("lab", "chaos", "--seed", "2026", "--runs", "2");
        assertEquals(0, campaign.exitCode(), campaign.out() + campaign.err());
        assertTrue(
                campaign.out().contains("chaos: seed 2026, 2 runs")
                        && campaign.out().contains("violations by invariant: none"),
                campaign.out());
        assertTrue(
                campaign.out()
                        .matches(
                                "(?s).*played 2 runs in [0-9.]+ s on this machine \\([0-9]+ cores\\): [0-9.]+ runs per minute;"
                                        + " 10,000 runs would take about [0-9.]+ (min|h|days)\n.*"),
                "the harness measures its own speed: " + campaign.out());
        CommandOutput one = CommandOutput.run("lab", "chaos", "--seed", "2026", "--run", "2", "--verbose");
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(
                one.out().contains("run 2 of seed 2026: every invariant held")
                        && one.out().contains("final   invariants: all held"),
                one.out());
    }

    @Test
    void jsonForMachinesAndRunsCountFromOne() throws Exception {
        CommandOutput json = CommandOutput.run("lab", "chaos", "--seed", "3", "--runs", "1", "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertEquals(1, report.get("runs").asInt());
        assertTrue(
                report.get("runsPerMinute").asDouble() > 0
                        && report.get("seconds").isNumber(),
                json.out());
        assertTrue(report.get("failed").isEmpty(), json.out());
        CommandOutput none = CommandOutput.run("lab", "chaos", "--runs", "0");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("count from 1"), none.err());
    }
}
