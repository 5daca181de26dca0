package io.vigil.collectors.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.LoggedLines;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.LogicalVolume;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The probe's own logic against a host that answers vgs and lvs from fixtures, as the lab's does. */
class LvmProbeTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static CommandRunner host(String vgs, String lvs) {
        return host(0, vgs, "", lvs);
    }

    private static CommandRunner host(int vgsExit, String vgs, String vgsStderr, String lvs) {
        return new CommandRunner() {
            @Override
            public CommandResult run(Command command, Duration timeout) throws CommandException {
                if (command.equals(LvmProbe.VGS) && vgs != null) {
                    return new CommandResult(command, vgsExit, vgs, vgsStderr, Duration.ZERO);
                }
                if (command.equals(LvmProbe.LVS) && lvs != null) {
                    return new CommandResult(command, 0, lvs, "", Duration.ZERO);
                }
                throw new CommandException(command, "killed after running longer than 1000 ms", true, null);
            }

            @Override
            public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
                throw new CommandException(command, "not used", false, null);
            }
        };
    }

    @Test
    void marksEachConfiguredLvWithItsResource() throws Exception {
        LvmProbe probe = new LvmProbe(
                host(
                        LvmReportParserTest.fixture("vgs-two.json"),
                        LvmReportParserTest.fixture("lvs-thin-snapshots.json")),
                Map.of("vg0/r0-disk", "r0", "vg0/r1-disk", "r1", "vg0/gone", "r2"),
                SECOND,
                SECOND);
        LvmReport report = (LvmReport) probe.poll().get(0);
        assertEquals(2, report.volumeGroups().size());
        Map<String, Optional<String>> resources = report.logicalVolumes().stream()
                .collect(java.util.stream.Collectors.toMap(LogicalVolume::name, LogicalVolume::drbdResource));
        assertEquals(Optional.of("r0"), resources.get("r0-disk"));
        assertEquals(Optional.of("r1"), resources.get("r1-disk"));
        assertEquals(Optional.empty(), resources.get("pool0"));
        assertEquals(Optional.empty(), resources.get("r1-snap"));
    }

    @Test
    void aConfiguredLvThatIsNotListedIsLoggedOnceNotOnEveryPoll() throws Exception {
        LvmProbe probe = new LvmProbe(
                host(
                        LvmReportParserTest.fixture("vgs-two.json"),
                        LvmReportParserTest.fixture("lvs-thin-snapshots.json")),
                Map.of("vg0/gone", "r2"),
                SECOND,
                SECOND);
        try (LoggedLines logged = LoggedLines.of(LvmProbe.class)) {
            for (int i = 0; i < 3; i++) {
                probe.poll();
            }
            assertEquals(
                    List.of("lvm: lv=vg0/gone resource=r2 is configured but lvs does not list it"), logged.lines());
        }
    }

    @Test
    void failsRatherThanPublishHalfAReport() {
        LvmProbe probe =
                new LvmProbe(host(LvmReportParserTest.fixture("vgs-two.json"), null), Map.of(), SECOND, SECOND);
        ProbeException e = assertThrows(ProbeException.class, probe::poll);
        assertTrue(e.getMessage().startsWith("lvs did not finish"), e.getMessage());

        LvmProbe garbled =
                new LvmProbe(host("  {\"report\": [ {\"vg\": [ {\"vg_name\"", "{}"), Map.of(), SECOND, SECOND);
        ProbeException g = assertThrows(ProbeException.class, garbled::poll);
        assertTrue(g.getMessage().contains("not valid JSON at line 1"), g.getMessage());
    }

    @Test
    void aVgsThatFailsWithAnEmptyReportIsAFailedCommandNotAHostWithoutVolumeGroups() {
        // vgs's real answer when it may not take LVM's lock: exit 5, an empty report, the reason on stderr
        LvmProbe probe = new LvmProbe(
                host(
                        5,
                        LvmReportParserTest.fixture("real-vgs-not-root.json"),
                        LvmReportParserTest.fixture("real-vgs-not-root.stderr"),
                        LvmReportParserTest.fixture("real-lvs-empty.json")),
                Map.of(),
                SECOND,
                SECOND);
        ProbeException e = assertThrows(ProbeException.class, probe::poll);
        assertEquals(
                "'" + LvmProbe.VGS
                        + "' exited with status 5: WARNING: Running as a non-root user. Functionality may be unavailable.; "
                        + "/run/lock/lvm/P_global:aux: open failed: Permission denied",
                e.getMessage());
    }

    @Test
    void refusesABadMapInTheConfig() {
        CommandRunner host = host("", "");
        assertThrows(IllegalArgumentException.class, () -> new LvmProbe(host, Map.of("r0-disk", "r0"), SECOND, SECOND));
        assertThrows(
                IllegalArgumentException.class, () -> new LvmProbe(host, Map.of("vg0/r0 disk", "r0"), SECOND, SECOND));
        assertThrows(
                IllegalArgumentException.class, () -> new LvmProbe(host, Map.of("vg0/r0-disk", "-r0"), SECOND, SECOND));
    }
}
