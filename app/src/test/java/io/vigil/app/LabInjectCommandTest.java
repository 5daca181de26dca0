package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.DiskState;
import io.vigil.lab.control.LabControl;
import io.vigil.sim.SimulatedPair;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** vigil lab inject reaches a running lab's control endpoint and reports what the lab answered. */
class LabInjectCommandTest {
    @Test
    void injectsIntoTheRunningLabAndReportsRefusals() throws Exception {
        SimulatedPair pair = SimulatedPair.seed();
        try (LabControl control = new LabControl(pair::inject)) {
            CommandOutput ok = CommandOutput.run("lab", "inject", "disk-fail", "node-a", "/dev/sda");
            assertEquals(0, ok.exitCode(), ok.err());
            assertTrue(ok.out().contains("node-a"), ok.out());
            assertEquals(DiskState.DISKLESS, pair.nodeA().disk("r0"));

            CommandOutput bad = CommandOutput.run("lab", "inject", "disk-fail", "node-z", "/dev/sda");
            assertEquals(1, bad.exitCode());
            assertTrue(bad.err().contains("node-z"), bad.err());
        }
        CommandOutput none = CommandOutput.run("lab", "inject", "link-cut");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("no lab is running"), none.err());
        assertTrue(Files.notExists(LabControl.ADDRESS_FILE));
    }
}
