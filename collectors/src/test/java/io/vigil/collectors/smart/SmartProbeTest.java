package io.vigil.collectors.smart;

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
import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The probe's own logic, against a host that answers from fixtures (as the lab's simulated host does). */
class SmartProbeTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    /** Answers each argv with a canned output and exit code, or fails it as a runner would. */
    private static final class CannedHost implements CommandRunner {
        private final Map<List<String>, Object> answers;
        final List<List<String>> asked = new ArrayList<>();

        CannedHost(Map<List<String>, Object> answers) {
            this.answers = answers;
        }

        @Override
        public CommandResult run(Command command, Duration timeout) throws CommandException {
            asked.add(command.argv());
            Object answer = answers.get(command.argv());
            if (answer instanceof CommandResult r) {
                return new CommandResult(command, r.exitCode(), r.stdout(), r.stderr(), r.took());
            }
            throw new CommandException(
                    command,
                    answer == null ? "cannot start: no such program" : answer.toString(),
                    answer != null,
                    null);
        }

        @Override
        public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
            throw new CommandException(command, "not used by this probe", false, null);
        }
    }

    private static CommandResult exited(int code, String stdout) {
        return new CommandResult(Command.of("smartctl"), code, stdout, "", Duration.ZERO);
    }

    @Test
    void oneDriveThatHangsDoesNotHideTheOthers() throws Exception {
        CannedHost host = new CannedHost(Map.of(
                List.of("smartctl", "--json", "-a", "/dev/sda"), exited(64, Fixtures.read("ata.json")),
                List.of("smartctl", "--json", "-a", "/dev/sdb"), "killed after running longer than 1000 ms",
                List.of("smartctl", "--json", "-a", "-d", "sat+megaraid,1", "/dev/bus/0"),
                        exited(24, Fixtures.read("megaraid.json"))));
        SmartProbe probe = new SmartProbe(
                host,
                List.of(
                        SmartDevice.of("/dev/sda"),
                        SmartDevice.of("/dev/sdb"),
                        SmartDevice.of("/dev/bus/0", "sat+megaraid,1")),
                SECOND,
                SECOND);

        List<DiskHealth> disks =
                probe.poll().stream().map(DiskHealth.class::cast).toList();

        assertEquals(
                List.of("/dev/sda", "/dev/sdb", "/dev/bus/0"),
                disks.stream().map(DiskHealth::device).toList());
        assertEquals(Optional.of(8L), disks.get(0).reallocatedSectors());
        DiskHealth hung = disks.get(1);
        assertEquals(SmartProbe.DID_NOT_FINISH, hung.exitStatus());
        assertEquals(Optional.empty(), hung.smartPassed());
        assertTrue(
                hung.messages().get(0).contains("killed after"), hung.messages().toString());
        assertEquals(Optional.of(false), disks.get(2).smartPassed());
    }

    @Test
    void aDriveThatStaysUnreadableIsLoggedOnceNotOnEveryPoll() throws Exception {
        CannedHost host = new CannedHost(Map.of(
                List.of("smartctl", "--json", "-a", "/dev/sda"),
                exited(64, Fixtures.read("ata.json")),
                List.of("smartctl", "--json", "-a", "/dev/sdb"),
                "killed after running longer than 1000 ms"));
        SmartProbe probe =
                new SmartProbe(host, List.of(SmartDevice.of("/dev/sda"), SmartDevice.of("/dev/sdb")), SECOND, SECOND);
        try (LoggedLines logged = LoggedLines.of(SmartProbe.class)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(2, probe.poll().size());
            }
            assertEquals(
                    List.of(
                            "smart: device=/dev/sdb smartctl did not finish: 'smartctl --json -a /dev/sdb': killed after running longer than 1000 ms"),
                    logged.lines());
        }
    }

    @Test
    void garbledOutputOfOneDriveIsReportedWithItsExitStatus() throws Exception {
        String garbled = Fixtures.read("nvme.json").substring(0, 300);
        CannedHost host = new CannedHost(Map.of(
                List.of("smartctl", "--json", "-a", "/dev/sda"), exited(0, Fixtures.read("ata.json")),
                List.of("smartctl", "--json", "-a", "/dev/nvme0"), exited(8, garbled)));
        List<Body> bodies = new SmartProbe(
                        host, List.of(SmartDevice.of("/dev/sda"), SmartDevice.of("/dev/nvme0")), SECOND, SECOND)
                .poll();
        DiskHealth nvme = (DiskHealth) bodies.get(1);
        assertEquals(8, nvme.exitStatus());
        assertTrue(
                nvme.messages().get(0).contains("not valid JSON at line"),
                nvme.messages().toString());
        assertEquals(0, ((DiskHealth) bodies.get(0)).exitStatus(), "the process's exit code wins over the document's");
    }

    @Test
    void outputAboutAnotherDeviceIsNotTakenForThisOne() throws Exception {
        CannedHost host = new CannedHost(Map.of(
                List.of("smartctl", "--json", "-a", "/dev/sdc"), exited(0, Fixtures.read("ata.json")),
                List.of("smartctl", "--json", "-a", "/dev/sda"), exited(0, Fixtures.read("ata.json"))));
        List<Body> bodies = new SmartProbe(
                        host, List.of(SmartDevice.of("/dev/sdc"), SmartDevice.of("/dev/sda")), SECOND, SECOND)
                .poll();
        DiskHealth sdc = (DiskHealth) bodies.get(0);
        assertEquals("/dev/sdc", sdc.device());
        assertEquals(Optional.empty(), sdc.reallocatedSectors());
        assertTrue(
                sdc.messages().get(0).contains("reported device /dev/sda"),
                sdc.messages().toString());
    }

    @Test
    void failsOnlyWhenNoDriveCouldBeRead() {
        CannedHost host = new CannedHost(Map.of());
        SmartProbe probe =
                new SmartProbe(host, List.of(SmartDevice.of("/dev/sda"), SmartDevice.of("/dev/sdb")), SECOND, SECOND);
        ProbeException e = assertThrows(ProbeException.class, probe::poll);
        assertTrue(e.getMessage().contains("/dev/sda") && e.getMessage().contains("/dev/sdb"), e.getMessage());
    }

    @Test
    void scansForDrivesWhenNoneAreConfigured() throws Exception {
        CannedHost host = new CannedHost(Map.of(
                List.of("smartctl", "--scan-open", "--json"), exited(0, Fixtures.read("scan-open.json")),
                List.of("smartctl", "--json", "-a", "-d", "sat", "/dev/sda"), exited(64, Fixtures.read("ata.json")),
                List.of("smartctl", "--json", "-a", "-d", "nvme", "/dev/nvme0"), exited(12, Fixtures.read("nvme.json")),
                List.of("smartctl", "--json", "-a", "-d", "sat+megaraid,1", "/dev/bus/0"),
                        exited(24, Fixtures.read("megaraid.json"))));
        List<Body> bodies = new SmartProbe(host, List.of(), SECOND, SECOND).poll();
        assertEquals(3, bodies.size());
        assertEquals(4, host.asked.size(), "the unsafe and unopenable scan entries are never passed to smartctl");
    }

    @Test
    void aScanThatCannotRunFailsThePoll() {
        SmartProbe probe = new SmartProbe(new CannedHost(Map.of()), List.of(), SECOND, SECOND);
        ProbeException e = assertThrows(ProbeException.class, probe::poll);
        assertTrue(e.getMessage().contains("cannot list drives"), e.getMessage());
    }

    @Test
    void refusesUnsafeDevicesAndTypesInTheConfig() {
        assertThrows(IllegalArgumentException.class, () -> SmartDevice.of("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> SmartDevice.of("/dev/sda", "--scan"));
        assertThrows(IllegalArgumentException.class, () -> SmartDevice.of("/dev/sda", "megaraid,0 -x"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SmartProbe(new CannedHost(Map.of()), List.of(), Duration.ZERO, SECOND));
    }
}
