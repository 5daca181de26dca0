package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentBenchTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aFootprintGivesThePeakBesideTheMeanForRssAndCpu() {
        // one second apart: 1 tick (1% of a core), then a probe round of 9 ticks, then 2 ticks
        AgentBench.Footprint footprint = new AgentBench.Footprint(new AgentBench.Sample(0, 100, 70 * MIB));
        footprint.add(new AgentBench.Sample(1_000_000_000L, 101, 60 * MIB));
        footprint.add(new AgentBench.Sample(2_000_000_000L, 110, 66 * MIB));
        footprint.add(new AgentBench.Sample(3_000_000_000L, 112, 63 * MIB));
        assertEquals(0.04, footprint.meanCpu(), 1e-9);
        String line = footprint.toString();
        assertTrue(line.contains("cpu mean 4.00% of one core (peak 9% in a second)"), line);
        // the sample taken as the window opened is its start, not one of its measurements
        assertTrue(line.contains("rss mean 63.0 MiB (peak 66.0 MiB)"), line);
    }

    @Test
    void theAgentsEnvironmentIsReadAsTheScriptGivesIt() {
        assertEquals(Map.of("MALLOC_ARENA_MAX", "2"), AgentBench.environment("MALLOC_ARENA_MAX=2"));
        assertEquals(Map.of("A", "1", "B", "x=y"), AgentBench.environment(" A=1  B=x=y "));
        assertEquals(Map.of(), AgentBench.environment(""));
    }
}
