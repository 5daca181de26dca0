package io.vigil.collectors.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.ProcessCommandRunner;
import io.vigil.events.DiskHealth;
import io.vigil.events.SmartctlFlag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real smartctl on this machine's own disk. On a virtual disk smartctl prints a JSON
 * document with no SMART data and exits non-zero: the probe must still report the drive.
 */
class SmartProbeRealDiskTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();

    @BeforeAll
    static void smartctlIsInstalled() {
        try {
            RUNNER.run(Command.of("smartctl", "--version"), TIMEOUT);
        } catch (CommandException e) {
            fail("smartctl is not installed (" + e.getMessage() + "): run apt-get install -y smartmontools");
        }
    }

    /** The first whole disk the kernel lists, skipping loop, RAM and optical devices. */
    static String aBlockDevice() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/sys/block"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> !n.matches("(loop|ram|zram|sr|dm-|md|nbd).*"))
                    .filter(n -> sizeOf(n) > 0)
                    .sorted()
                    .findFirst()
                    .map(n -> "/dev/" + n)
                    .orElseThrow(
                            () -> new AssertionError("this machine has no disk under /sys/block to run smartctl on"));
        }
    }

    private static long sizeOf(String name) {
        try {
            return Long.parseLong(
                    Files.readString(Path.of("/sys/block", name, "size")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Test
    void reportsThisMachinesDiskWithItsRealExitStatus() throws Exception {
        String device = aBlockDevice();
        CommandResult direct = RUNNER.run(Command.of("smartctl", "--json", "-a", device), TIMEOUT);

        List<DiskHealth> disks = new SmartProbe(
                        RUNNER, List.of(SmartDevice.of(device)), Duration.ofSeconds(60), TIMEOUT)
                .poll().stream().map(DiskHealth.class::cast).toList();

        assertEquals(1, disks.size());
        DiskHealth disk = disks.get(0);
        assertEquals(device, disk.device());
        assertEquals(direct.exitCode(), disk.exitStatus());
        assertEquals(SmartctlExitStatus.decode(direct.exitCode()), disk.flags());
        if (disk.smartPassed().isEmpty()) {
            // the no-SMART path (a virtual disk): smartctl says why, and says it through its exit status
            assertNotEquals(0, disk.exitStatus());
            assertFalse(disk.messages().isEmpty());
            assertTrue(
                    disk.messages().stream().anyMatch(m -> m.contains(device)),
                    disk.messages().toString());
        }
    }

    @Test
    void aControllerThatIsNotThereIsReportedAsDeviceOpenFailed() throws Exception {
        String device = aBlockDevice();
        List<DiskHealth> disks = new SmartProbe(
                        RUNNER,
                        List.of(SmartDevice.of(device), SmartDevice.of("/dev/bus/0", "megaraid,0")),
                        Duration.ofSeconds(60),
                        TIMEOUT)
                .poll().stream().map(DiskHealth.class::cast).toList();

        assertEquals(
                List.of(device, "/dev/bus/0"),
                disks.stream().map(DiskHealth::device).toList());
        DiskHealth raid = disks.get(1);
        assertEquals(Optional.of("megaraid,0"), raid.deviceType());
        assertTrue(
                raid.flags().contains(SmartctlFlag.DEVICE_OPEN_FAILED),
                raid.flags().toString());
        assertTrue(
                raid.messages().stream().anyMatch(m -> m.contains("megaraid")),
                raid.messages().toString());
    }

    @Test
    void scanRunsForRealAndParsesCleanly() throws Exception {
        CommandResult scan = RUNNER.run(Command.of("smartctl", "--scan-open", "--json"), TIMEOUT);
        var result = SmartctlScanParser.parse("smartctl --scan-open", scan.stdout());
        assertTrue(
                result.problems().stream().noneMatch(p -> p.message().contains("JSON")),
                result.problems().toString());
        // whatever drives this host has, a scan-driven poll must not fail for lack of them
        new SmartProbe(RUNNER, List.of(), Duration.ofSeconds(60), TIMEOUT).poll();
    }
}
