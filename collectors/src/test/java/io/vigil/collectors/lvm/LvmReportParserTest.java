package io.vigil.collectors.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.LogicalVolume;
import io.vigil.events.LvmReport.VolumeGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LvmReportParserTest {
    static String fixture(String name) {
        try (InputStream in = LvmReportParserTest.class.getResourceAsStream("/lvm/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsRealVgsReport() {
        ParseResult<VolumeGroup> result = LvmReportParser.parseVgs("vgs", fixture("real-vgs.json"));
        assertTrue(result.clean(), result.problems().toString());
        assertEquals(List.of(new VolumeGroup("vigil-fixture", 62914560L, 62914560L, 1, 0)), result.values());
    }

    @Test
    void readsRealEmptyLvsReport() {
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("lvs", fixture("real-lvs-empty.json"));
        assertTrue(result.clean(), result.problems().toString());
        assertTrue(result.values().isEmpty());
    }

    @Test
    void readsThinPoolsThinVolumesAndSnapshots() {
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("lvs", fixture("lvs-thin-snapshots.json"));
        assertTrue(result.clean(), result.problems().toString());
        List<LogicalVolume> lvs = result.values();
        assertEquals(6, lvs.size());

        LogicalVolume pool = lvs.get(0);
        assertEquals("pool0", pool.name());
        assertEquals(107374182400L, pool.sizeBytes());
        assertEquals("twi-aotz--", pool.attributes());
        assertEquals(Optional.of(42.17), pool.dataPercent());
        assertEquals(Optional.of(10.05), pool.metadataPercent());
        assertEquals(Optional.empty(), pool.pool());

        LogicalVolume thin = lvs.get(1);
        assertEquals(Optional.of("pool0"), thin.pool());
        assertEquals(Optional.of(61.0), thin.dataPercent());
        assertEquals(Optional.empty(), thin.metadataPercent(), "empty string means not applicable");

        LogicalVolume thinSnapshot = lvs.get(2);
        assertEquals(Optional.of("r0-disk"), thinSnapshot.origin());
        assertEquals(Optional.empty(), thinSnapshot.dataPercent());

        LogicalVolume snapshot = lvs.get(4);
        assertEquals(Optional.of("r1-disk"), snapshot.origin());
        assertEquals(Optional.of(3.51), snapshot.snapshotPercent());

        LogicalVolume plain = lvs.get(3);
        assertEquals(Optional.empty(), plain.pool());
        assertEquals(Optional.empty(), plain.origin());
        assertEquals(Optional.empty(), plain.snapshotPercent());
        assertEquals(Optional.empty(), plain.drbdResource());
        assertEquals("vg1", lvs.get(5).vg());
    }

    @Test
    void aBadRowIsNamedByLineAndFieldAndTheOthersAreKept() {
        String text = fixture("vgs-two.json").replace("\"vg_free\":\"818040193024\"", "\"vg_free\":\"761.80g\"");
        ParseResult<VolumeGroup> result = LvmReportParser.parseVgs("vgs.json", text);
        assertEquals(
                List.of("vg1"), result.values().stream().map(VolumeGroup::name).toList());
        ParseProblem problem = result.problems().get(0);
        assertEquals(5, problem.line());
        assertTrue(
                problem.message().contains("vg_free") && problem.message().contains("--units b --nosuffix"),
                problem.message());
    }

    @Test
    void hostileNamesAreRefusedRowByRow() {
        String text = fixture("lvs-thin-snapshots.json")
                .replace("\"lv_name\":\"r1-disk\"", "\"lv_name\":\"--force\"")
                .replace("\"pool_lv\":\"pool0\", \"origin\":\"\"", "\"pool_lv\":\"../pool0\", \"origin\":\"\"");
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("lvs.json", text);
        assertEquals(
                List.of("pool0", "r0-disk-snap", "r1-snap", "meta"),
                result.values().stream().map(LogicalVolume::name).toList());
        assertEquals(
                List.of(6, 8),
                result.problems().stream().map(ParseProblem::line).toList());
        assertTrue(
                result.problems().get(0).message().startsWith("pool_lv"),
                result.problems().get(0).message());
        assertTrue(
                result.problems().get(1).message().startsWith("lv_name"),
                result.problems().get(1).message());
    }

    @Test
    void truncatedReportKeepsTheRowsBeforeTheCut() {
        String text = fixture("lvs-thin-snapshots.json");
        String cut = text.substring(0, text.indexOf("{\"vg_name\":\"vg0\", \"lv_name\":\"r1-snap\"") + 40);
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("cut.json", cut);
        assertEquals(4, result.values().size());
        ParseProblem problem = result.problems().get(0);
        assertEquals(9, problem.line());
        assertTrue(problem.message().contains("line 9, column"), problem.message());
    }

    @Test
    void missingNeededFieldAndBadPercentAreProblems() {
        String text = """
                {"report": [{"lv": [
                  {"vg_name":"vg0", "lv_name":"a", "lv_attr":"-wi-a-----", "pool_lv":"", "origin":"", "data_percent":"", "metadata_percent":""},
                  {"vg_name":"vg0", "lv_name":"b", "lv_size":"1", "lv_attr":"-wi-a-----", "pool_lv":"", "origin":"", "data_percent":"lots", "metadata_percent":"", "snap_percent":""}
                ]}]}
                """;
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("x", text);
        assertTrue(result.values().isEmpty());
        assertTrue(
                result.problems().get(0).message().contains("lv_size: is missing"),
                result.problems().toString());
        assertTrue(
                result.problems().get(1).message().contains("data_percent"),
                result.problems().toString());
    }

    @Test
    void toEventsMakesAPartialReportForEachKindOfCapture() {
        ParseResult<Body> vgs = LvmReportParser.toEvents("vgs", fixture("vgs-two.json"));
        LvmReport report = (LvmReport) vgs.values().get(0);
        assertEquals(2, report.volumeGroups().size());
        assertTrue(report.logicalVolumes().isEmpty());

        ParseResult<Body> lvs = LvmReportParser.toEvents("lvs", fixture("lvs-thin-snapshots.json"));
        LvmReport lvReport = (LvmReport) lvs.values().get(0);
        assertTrue(lvReport.volumeGroups().isEmpty());
        assertEquals(6, lvReport.logicalVolumes().size());

        ParseResult<Body> neither = LvmReportParser.toEvents("x", "{\"devices\": []}");
        assertTrue(neither.values().isEmpty());
        assertEquals(0, neither.problems().get(0).line());

        ParseResult<Body> garbage = LvmReportParser.toEvents("x", "  Volume group \"vg9\" not found\n");
        assertTrue(garbage.values().isEmpty());
        assertEquals(1, garbage.problems().get(0).line());
    }

    @Test
    void readsACaptureWithLvmsDefaultColumnsAndUnits() {
        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("lvs", fixture("lvs-default-columns.json"));

        assertTrue(result.clean(), result::problemsText);
        assertEquals(4, result.values().size());
        LogicalVolume root = result.values().get(1);
        assertEquals("root", root.name());
        assertEquals(
                Math.round(6.67 * 1024 * 1024 * 1024), root.sizeBytes(), "lvs' default units: g is GiB, two decimals");
        assertEquals(java.util.Optional.empty(), root.snapshotPercent());
        LogicalVolume snapshot = result.values().get(3);
        assertEquals(1024L * 1024 * 1024, snapshot.sizeBytes(), "'<1.00g': just under 1 GiB, as printed");
        assertEquals(
                java.util.Optional.of(12.5),
                snapshot.snapshotPercent(),
                "a snapshot's fill is data_percent when snap_percent is not there");
    }

    @Test
    void aMissingColumnThatIsNeededNamesTheColumnAndTheLine() {
        String text = "{\"report\": [{\"lv\": [\n"
                + "{\"lv_name\":\"r0\", \"vg_name\":\"vg0\", \"lv_attr\":\"-wi-ao----\"}\n"
                + "]}]}";

        ParseResult<LogicalVolume> result = LvmReportParser.parseLvs("lvs", text);

        assertEquals(1, result.problems().size(), result::problemsText);
        assertEquals(2, result.problems().get(0).line());
        assertTrue(result.problems().get(0).message().contains("lv_size"), result::problemsText);
    }
}
