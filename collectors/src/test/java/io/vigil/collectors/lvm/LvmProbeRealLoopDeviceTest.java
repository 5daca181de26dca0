package io.vigil.collectors.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.ProcessCommandRunner;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.VolumeGroup;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real vgs on a real PV: a file under target/ on a loop device, with a VG of a name no
 * other run uses. Needs root (losetup, pvcreate). LVs cannot be made here (no device-mapper in
 * this kernel), so lvs reports with LVs are tested on fixtures in LvmReportParserTest.
 */
class LvmProbeRealLoopDeviceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();

    private Path image;
    private Optional<String> loop = Optional.empty();
    private String vg;
    private boolean vgCreated;

    @BeforeAll
    static void lvmToolsAreInstalled() {
        for (String tool : List.of("vgs", "pvcreate", "vgcreate")) {
            try {
                RUNNER.run(Command.of(tool, "--version"), TIMEOUT);
            } catch (CommandException e) {
                fail(tool + " is not installed (" + e.getMessage() + "): run apt-get install -y lvm2");
            }
        }
        try {
            RUNNER.run(Command.of("losetup", "--version"), TIMEOUT);
        } catch (CommandException e) {
            fail("losetup is not installed (" + e.getMessage() + "): run apt-get install -y mount");
        }
    }

    @BeforeEach
    void makeVolumeGroupOnALoopDevice() throws Exception {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        vg = "vigil-test-" + unique;
        Path dir = Files.createDirectories(Path.of("target", "lvm-test"));
        image = dir.resolve(vg + ".img").toAbsolutePath();
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024);
        }
        CommandResult attached = must("losetup", "-f", "--show", image.toString());
        loop = Optional.of(attached.stdout().strip());
        must("pvcreate", "-q", loop.get());
        must("vgcreate", "-q", vg, loop.get());
        vgCreated = true;
    }

    @AfterEach
    void removeEverythingThisTestMade() throws Exception {
        // each step runs even when an earlier one failed, so nothing is left attached
        List<String> failures = new ArrayList<>();
        if (vgCreated) {
            quietly(failures, "vgremove", "-q", "-f", vg);
        }
        if (loop.isPresent()) {
            quietly(failures, "pvremove", "-q", "-f", loop.get());
            quietly(failures, "losetup", "-d", loop.get());
        }
        Files.deleteIfExists(image);
        assertTrue(failures.isEmpty(), "cleanup failed: " + failures);
    }

    private static CommandResult must(String... argv) throws CommandException {
        CommandResult result = RUNNER.run(Command.of(argv), TIMEOUT);
        if (result.exitCode() != 0) {
            fail(String.join(" ", argv) + " exited " + result.exitCode() + " (this test needs root): "
                    + result.stderr());
        }
        return result;
    }

    private static void quietly(List<String> failures, String... argv) {
        try {
            CommandResult result = RUNNER.run(Command.of(argv), TIMEOUT);
            if (result.exitCode() != 0) {
                failures.add(String.join(" ", argv) + ": " + result.stderr().strip());
            }
        } catch (CommandException e) {
            failures.add(e.getMessage());
        }
    }

    @Test
    void probeReportsTheVolumeGroupOnTheLoopDevice() throws Exception {
        LvmProbe probe = new LvmProbe(RUNNER, Map.of(vg + "/r0-disk", "r0"), Duration.ofSeconds(30), TIMEOUT);

        List<Body> bodies = probe.poll();

        assertEquals(1, bodies.size());
        LvmReport report = (LvmReport) bodies.get(0);
        VolumeGroup group = report.volumeGroups().stream()
                .filter(g -> g.name().equals(vg))
                .findFirst()
                .orElseThrow(() -> new AssertionError(vg + " not in " + report.volumeGroups()));
        assertEquals(1, group.physicalVolumes());
        assertEquals(0, group.logicalVolumes());
        // 64 MiB less LVM's metadata area, in whole 4 MiB extents
        assertTrue(
                group.sizeBytes() > 0
                        && group.sizeBytes() <= 64L * 1024 * 1024
                        && group.sizeBytes() % (4L * 1024 * 1024) == 0,
                "size " + group.sizeBytes());
        assertEquals(group.sizeBytes(), group.freeBytes());
        assertTrue(report.logicalVolumes().stream().noneMatch(lv -> lv.vg().equals(vg)));
    }

    @Test
    void theExactVgsInvocationOfTheProbeParsesCleanly() throws Exception {
        CommandResult result = RUNNER.run(LvmProbe.VGS, TIMEOUT);
        assertEquals(0, result.exitCode(), result.stderr());
        ParseResult<VolumeGroup> parsed = LvmReportParser.parseVgs("vgs", result.stdout());
        assertTrue(parsed.clean(), parsed.problems().toString());
        assertTrue(parsed.values().stream().anyMatch(g -> g.name().equals(vg)));

        ParseResult<Body> lvs = LvmReportParser.toEvents(
                "lvs", RUNNER.run(LvmProbe.LVS, TIMEOUT).stdout());
        assertTrue(lvs.clean(), lvs.problems().toString());
    }
}
