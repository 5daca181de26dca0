package io.vigil.collectors.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.SmartctlFlag;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmartctlJsonParserTest {
    private static DiskHealth only(String fixture) {
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse(fixture, Fixtures.read(fixture));
        assertTrue(result.clean(), () -> result.problems().toString());
        assertEquals(1, result.values().size());
        return result.values().get(0);
    }

    @Test
    void readsAtaAttributesByIdAndRawValue() {
        DiskHealth disk = only("ata.json");
        assertEquals("/dev/sda", disk.device());
        assertEquals(Optional.of("sat"), disk.deviceType());
        assertEquals(DiskProtocol.ATA, disk.protocol());
        assertEquals(Optional.of("WDC WD40EFRX-68N32N0"), disk.model());
        assertEquals(Optional.of("WD-WCC7K0000001"), disk.serial());
        assertEquals(Optional.of(true), disk.smartPassed());
        assertEquals(Optional.of(8L), disk.reallocatedSectors());
        assertEquals(Optional.of(2L), disk.pendingSectors());
        assertEquals(Optional.of(1L), disk.offlineUncorrectableSectors());
        assertEquals(Optional.of(36.0), disk.temperatureCelsius());
        assertEquals(Optional.of(35123L), disk.powerOnHours());
        assertEquals(64, disk.exitStatus());
        assertEquals(Set.of(SmartctlFlag.ERROR_LOG_HAS_ERRORS), disk.flags());
        assertEquals(Optional.empty(), disk.mediaErrors());
        assertEquals(Optional.empty(), disk.nvmeCriticalWarning());
    }

    @Test
    void readsNvmeHealthLog() {
        DiskHealth disk = only("nvme.json");
        assertEquals(DiskProtocol.NVME, disk.protocol());
        assertEquals(Optional.of(false), disk.smartPassed());
        assertEquals(Optional.of(4), disk.nvmeCriticalWarning());
        assertEquals(Optional.of(3L), disk.mediaErrors());
        assertEquals(Optional.of(12), disk.percentageUsed());
        assertEquals(Optional.of(47.0), disk.temperatureCelsius());
        assertEquals(Optional.of(9876L), disk.powerOnHours());
        assertEquals(Set.of(SmartctlFlag.SMART_COMMAND_FAILED, SmartctlFlag.DISK_FAILING), disk.flags());
        assertEquals(
                List.of("Read 1 entries from Error Information Log failed: GetLogPage failed: NVMe Status 0x02"),
                disk.messages());
        assertEquals(Optional.empty(), disk.reallocatedSectors());
    }

    @Test
    void readsScsiGrownDefectsAndUncorrectedErrors() {
        DiskHealth disk = only("scsi.json");
        assertEquals(DiskProtocol.SCSI, disk.protocol());
        assertEquals(Optional.of("SEAGATE ST4000NM0023"), disk.model());
        assertEquals(Optional.of(12L), disk.reallocatedSectors());
        assertEquals(Optional.of(3L), disk.mediaErrors(), "read 1 + write 0 + verify 2");
        assertEquals(Optional.of(34.0), disk.temperatureCelsius());
        assertEquals(Optional.of(30123L), disk.powerOnHours());
        assertEquals(Optional.empty(), disk.pendingSectors());
    }

    @Test
    void readsDriveBehindMegaraidWithItsControllerType() {
        DiskHealth disk = only("megaraid.json");
        assertEquals("/dev/bus/0", disk.device());
        assertEquals(Optional.of("sat+megaraid,1"), disk.deviceType());
        assertEquals(Optional.of(false), disk.smartPassed());
        assertEquals(Optional.of(4032L), disk.reallocatedSectors());
        assertEquals(Set.of(SmartctlFlag.DISK_FAILING, SmartctlFlag.PREFAIL_BELOW_THRESHOLD), disk.flags());
    }

    @Test
    void readsOlderSmartctlWhereFieldsAreMissingOrElsewhere() {
        DiskHealth scsi = only("smartctl-7.1-scsi.json");
        assertEquals(Optional.of("HGST HUS726040AL5210"), scsi.model());
        assertEquals(Optional.of(0L), scsi.reallocatedSectors());
        assertEquals(Optional.empty(), scsi.mediaErrors(), "7.1 has no scsi_error_counter_log");
        assertEquals(Optional.empty(), scsi.powerOnHours(), "7.1 prints no SCSI power_on_time");
        assertEquals(Optional.of(31.0), scsi.temperatureCelsius());

        DiskHealth ata = only("smartctl-7.0-ata.json");
        assertEquals(Optional.of(53004L), ata.powerOnHours(), "falls back to attribute 9");
        assertEquals(Optional.empty(), ata.temperatureCelsius());
        assertEquals(Optional.of(0L), ata.reallocatedSectors());
    }

    @Test
    void explainsThatSmartctl6HasNoJson() {
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse("old.txt", Fixtures.read("smartctl-6.6-no-json.txt"));
        assertTrue(result.values().isEmpty());
        ParseProblem problem = result.problems().get(0);
        assertEquals(1, problem.line());
        assertTrue(problem.message().contains("smartctl before 7.0 has no --json"), problem.message());
    }

    @Test
    void readsTheRealNoSmartDocumentOfThisMachinesDisk() {
        DiskHealth disk = only("real-vda-no-smart.json");
        assertEquals("/dev/vda", disk.device(), "taken from smartctl.argv: no device object is printed");
        assertEquals(DiskProtocol.UNKNOWN, disk.protocol());
        assertEquals(Optional.empty(), disk.smartPassed());
        assertEquals(1, disk.exitStatus());
        assertEquals(List.of("/dev/vda: Unable to detect device type"), disk.messages());
    }

    @Test
    void theProcessExitCodeAndTheAskedDeviceWinWhenGiven() {
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse(
                "megaraid",
                Fixtures.read("real-megaraid-open-failed.json"),
                Optional.of(SmartDevice.of("/dev/bus/0", "megaraid,0")),
                OptionalInt.of(2));
        DiskHealth disk = result.values().get(0);
        assertEquals("/dev/bus/0", disk.device());
        assertEquals(Optional.of("megaraid,0"), disk.deviceType());
        assertEquals(Set.of(SmartctlFlag.DEVICE_OPEN_FAILED), disk.flags());
    }

    @Test
    void truncatedDocumentIsAProblemWithLineAndColumn() {
        String text = Fixtures.read("ata.json");
        String truncated = text.substring(0, text.indexOf("\"power_on_time\""));
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse("cut.json", truncated);
        assertTrue(result.values().isEmpty());
        ParseProblem problem = result.problems().get(0);
        assertEquals("cut.json", problem.source());
        assertTrue(problem.line() > 40, problem.toString());
        assertTrue(problem.message().contains("line " + problem.line() + ", column"), problem.message());
    }

    @Test
    void garbledLineIsNamedAndEarlierDocumentsAreKept() {
        String garbled = Fixtures.read("nvme.json").replace("\"media_errors\": 3,", "\"media_errors\": 3 oops,");
        int garbledLine = (int) Fixtures.read("ata.json").lines().count()
                + (int) garbled.lines().takeWhile(l -> !l.contains("oops")).count()
                + 1;
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse("two.json", Fixtures.read("ata.json") + garbled);
        assertEquals(
                List.of("/dev/sda"),
                result.values().stream().map(DiskHealth::device).toList());
        ParseProblem problem = result.problems().get(0);
        assertEquals(garbledLine, problem.line(), problem.toString());
        assertTrue(problem.text().contains("oops"), problem.toString());
    }

    @Test
    void refusesDocumentWithHostileDeviceName() {
        String hostile =
                Fixtures.read("scsi.json").replace("\"name\": \"/dev/sdb\"", "\"name\": \"/dev/sdb\\n; rm -rf /\"");
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse("hostile.json", Fixtures.read("ata.json") + hostile);
        assertEquals(
                List.of("/dev/sda"),
                result.values().stream().map(DiskHealth::device).toList());
        ParseProblem problem = result.problems().get(0);
        assertTrue(problem.message().contains("device.name"), problem.message());
        assertFalse(problem.toString().contains("\n"), "the control character is made visible");
        assertEquals(Fixtures.read("ata.json").lines().count() + 1, problem.line());

        String traversal =
                Fixtures.read("scsi.json").replace("\"name\": \"/dev/sdb\"", "\"name\": \"/dev/../etc/passwd\"");
        assertTrue(SmartctlJsonParser.parse("t.json", traversal).values().isEmpty());
    }

    @Test
    void documentThatIsNotSmartctlOutputIsAProblem() {
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse("x.json", "{\"report\": []}\n[1, 2]");
        assertTrue(result.values().isEmpty());
        assertEquals(2, result.problems().size());
        assertEquals(2, result.problems().get(1).line());
    }

    @Test
    void emptyInputIsAProblemOfTheWholeInput() {
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse("empty", "\n");
        assertEquals(0, result.problems().get(0).line());
    }

    @Test
    void toEventsGivesDiskBodies() {
        ParseResult<Body> events =
                SmartctlJsonParser.toEvents("all", Fixtures.read("ata.json") + Fixtures.read("nvme.json"));
        assertEquals(2, events.values().size());
        assertTrue(events.values().stream().allMatch(b -> b instanceof DiskHealth));
    }
}
