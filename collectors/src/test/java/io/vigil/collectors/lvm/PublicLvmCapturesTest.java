package io.vigil.collectors.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.LvmReport.LogicalVolume;
import io.vigil.events.LvmReport.VolumeGroup;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code lvs --all --reportformat json} recorded by openSUSE's libstorage-ng on real systems
 * (src/test/resources/lvm/public, SOURCES.md there): snapshots, thin pools, cache, RAID and
 * mirror volumes, with LVM's internal volumes in brackets.
 */
class PublicLvmCapturesTest {
    private static final String FOLDER = "public/";

    private static List<LogicalVolume> lvs(String file) {
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs(file, LvmReportParserTest.fixture(FOLDER + file));
        assertTrue(result.clean(), () -> file + ": " + result.problemsText());
        return result.values();
    }

    private static LogicalVolume named(List<LogicalVolume> volumes, String name) {
        return volumes.stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name));
    }

    private static List<String> names(List<LogicalVolume> volumes) {
        return volumes.stream().map(LogicalVolume::name).toList();
    }

    @Test
    void everyLvsCaptureIsReadWithoutAProblemAndEveryFileHasItsSource() throws IOException, URISyntaxException {
        Path folder =
                Path.of(PublicLvmCapturesTest.class.getResource("/lvm/public").toURI());
        String sources = Files.readString(folder.resolve("SOURCES.md"));
        List<String> captures;
        try (Stream<Path> files = Files.list(folder)) {
            captures = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList();
        }
        assertTrue(captures.size() >= 7, captures.toString());
        for (String capture : captures) {
            assertTrue(sources.contains("`" + capture + "`"), capture + " is not listed in SOURCES.md");
            if (capture.contains(".lvs.")) {
                assertTrue(!lvs(capture).isEmpty(), capture);
            }
        }
    }

    @Test
    void aCachedVolumeWhosePoolIsHiddenIsKept() {
        // lvs prints a cache LV's hidden cache pool in brackets: "pool_lv":"[cache1-volume]"
        List<LogicalVolume> volumes = lvs("libstorage-ng_lvm-cache1.lvs.json");
        LogicalVolume cached = named(volumes, "cache1");
        assertEquals(Optional.of("cache1-volume"), cached.pool());
        assertEquals("Cwi-a-C---", cached.attributes());
        assertEquals(10737418240L, cached.sizeBytes());
        assertEquals(Optional.of("cache2-pool"), named(volumes, "cache2").pool());
        assertEquals(
                List.of("cache1", "cache2", "cache3", "cache3-pool"),
                names(volumes),
                "LVM's internal volumes ([..._corig], [..._cdata], [lvol0_pmspare]) are parts of these, not volumes");
    }

    @Test
    void thickAndThinSnapshotsWithTheirOriginsAndPool() {
        List<LogicalVolume> volumes = lvs("libstorage-ng_lvm-snapshot1.lvs.json");
        assertEquals(
                List.of(
                        "linear1",
                        "linear1-snap1",
                        "linear1-snap2",
                        "linear3",
                        "linear3-snap1",
                        "linear3-snap2",
                        "lvol0",
                        "thin-pool",
                        "thin2",
                        "thin2-snap1",
                        "thin2-snap2"),
                names(volumes));
        LogicalVolume thick = named(volumes, "linear1-snap1");
        assertEquals(Optional.of("linear1"), thick.origin());
        assertEquals(Optional.empty(), thick.snapshotPercent(), "not asked for: unknown, not 0");
        LogicalVolume thinOfThick = named(volumes, "linear3-snap2");
        assertEquals(Optional.of("thin-pool"), thinOfThick.pool());
        assertEquals(Optional.of("linear3"), thinOfThick.origin());
        assertEquals("Vwi---tz-k", named(volumes, "thin2-snap2").attributes());
        assertEquals(4294967296L, named(volumes, "thin-pool").sizeBytes());
    }

    @Test
    void raidAndMirrorVolumesWithoutTheirImages() {
        assertEquals(List.of("data1", "data2"), names(lvs("libstorage-ng_lvm-raid1.lvs.json")));
        List<LogicalVolume> mirror = lvs("libstorage-ng_lvm-mirror1.lvs.json");
        assertEquals(List.of("mirror"), names(mirror));
        assertEquals("mwi-a-m---", mirror.get(0).attributes());
    }

    @Test
    void thinVolumesOfTheRootVg() {
        List<LogicalVolume> volumes = lvs("libstorage-ng_lvm2.lvs.json");
        assertEquals(List.of("home", "pool", "root", "swap"), names(volumes));
        assertEquals(Optional.of("pool"), named(volumes, "root").pool());
        assertEquals(3, lvs("libstorage-ng_lvm1.lvs.json").size());
    }

    @Test
    void aVgsReportWithoutSizesNamesTheMissingColumn() {
        // libstorage-ng asks for extents, not vg_size, pv_count and lv_count
        ParseResult<VolumeGroup> result = LvmReportParser.parseVgs(
                "vgs.json", LvmReportParserTest.fixture(FOLDER + "libstorage-ng_lvm1.vgs.json"));
        assertEquals(List.of(), result.values());
        assertEquals(1, result.problems().size());
        assertEquals(5, result.problems().get(0).line());
        assertTrue(result.problems().get(0).message().contains("run with -o vg_size"), result.problemsText());
    }
}
