package io.vigil.collectors.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.SmartctlFlag;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real {@code smartctl --json} output captured by other projects on drives nobody here has seen
 * (src/test/resources/smart/public, SOURCES.md names each file's repository, commit and licence).
 * Every capture is read whole, and each says something specific about its drive.
 */
class PublicSmartCapturesTest {
    private static final String FOLDER = "public/";

    private static DiskHealth disk(String file) {
        ParseResult<DiskHealth> result = SmartctlJsonParser.parse(file, Fixtures.read(FOLDER + file));
        assertTrue(result.clean(), () -> file + ": " + result.problemsText());
        assertEquals(1, result.values().size(), file);
        return result.values().get(0);
    }

    @Test
    void everyDriveCaptureIsReadWithoutAProblemAndEveryFileHasItsSource() throws IOException, URISyntaxException {
        Path folder = Path.of(
                PublicSmartCapturesTest.class.getResource("/smart/public").toURI());
        String sources = Files.readString(folder.resolve("SOURCES.md"));
        List<String> captures;
        try (Stream<Path> files = Files.list(folder)) {
            captures = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList();
        }
        assertTrue(captures.size() >= 16, captures.toString());
        for (String capture : captures) {
            assertTrue(sources.contains("`" + capture + "`"), capture + " is not listed in SOURCES.md");
            if (!capture.contains("scan")) {
                disk(capture);
            }
        }
    }

    @Test
    void powerOnHoursOfSmartctl70ComeFromTheRawStringNotThePackedRawValue() {
        // smartctl 7.0 prints no power_on_time; this drive's attribute 9 packs two more bytes above
        // the hours, so raw.value is 167031278144165 while smartctl shows "2725 (151 234 0)"
        DiskHealth disk = disk("scrutiny-smart-sat.json");
        assertEquals(Optional.of(2725L), disk.powerOnHours());
        assertEquals(Optional.of(0L), disk.reallocatedSectors());
        assertEquals(Optional.of(29.0), disk.temperatureCelsius());
    }

    @Test
    void scsiTemperatureOfZeroWithATripOfZeroIsUnknown() {
        // an Intel RAID volume with no temperature log page: smartctl 7.0 prints its initial 0/0
        DiskHealth disk = disk("scrutiny-smart-raid.json");
        assertEquals(DiskProtocol.SCSI, disk.protocol());
        assertEquals(Optional.empty(), disk.temperatureCelsius());
        assertEquals(Optional.empty(), disk.smartPassed());
        assertEquals(Set.of(SmartctlFlag.SMART_COMMAND_FAILED), disk.flags());
    }

    @Test
    void failingUsbBridgedDriveShowsItsReallocationsAndEveryExitBit() {
        DiskHealth disk = disk("scrutiny-smart-fail2.json");
        assertEquals(Optional.of("usbjmicron"), disk.deviceType());
        assertEquals(Optional.of(false), disk.smartPassed());
        assertEquals(216, disk.exitStatus());
        assertEquals(
                Set.of(
                        SmartctlFlag.DISK_FAILING,
                        SmartctlFlag.PREFAIL_BELOW_THRESHOLD,
                        SmartctlFlag.ERROR_LOG_HAS_ERRORS,
                        SmartctlFlag.SELF_TEST_LOG_HAS_ERRORS),
                disk.flags());
        assertEquals(Optional.of(1975L), disk.reallocatedSectors());
        assertEquals(Optional.of(8L), disk.pendingSectors());
        assertEquals(Optional.of(65592L), disk.powerOnHours());
    }

    @Test
    void driveThatCouldNotBeOpenedKeepsSmartctlsReasonAndKnowsNothingElse() {
        DiskHealth disk = disk("scrutiny-smart-fail.json");
        assertEquals("/dev/sda", disk.device(), "taken from smartctl's argv");
        assertEquals(Set.of(SmartctlFlag.DEVICE_OPEN_FAILED), disk.flags());
        assertEquals(DiskProtocol.UNKNOWN, disk.protocol());
        assertEquals(Optional.empty(), disk.smartPassed());
        assertEquals(Optional.empty(), disk.temperatureCelsius());
        assertTrue(
                disk.messages().get(0).contains("Open failed, Error=5"),
                disk.messages().toString());
    }

    @Test
    void sataDriveBehindMegaraidWithReallocatedSectors() {
        DiskHealth disk = disk("scrutiny-smart-megaraid1.json");
        assertEquals(Optional.of("sat+megaraid,1"), disk.deviceType());
        assertEquals(Optional.of(387L), disk.reallocatedSectors());
        assertEquals(Set.of(SmartctlFlag.SMART_COMMAND_FAILED), disk.flags());
        assertEquals(List.of("Warning: This result is based on an Attribute check."), disk.messages());
    }

    @Test
    void nvmeWithCriticalWarningFailsAndItsCountersAreRead() {
        DiskHealth disk = disk("exporter-nvme-null-SAMSUNG_MZWLL3T2HAJQ-00005-nvme0.json");
        assertEquals(DiskProtocol.NVME, disk.protocol());
        assertEquals(Optional.of(false), disk.smartPassed());
        assertEquals(Optional.of(16), disk.nvmeCriticalWarning(), "bit 4: the persistent memory region is read-only");
        assertEquals(Set.of(SmartctlFlag.DISK_FAILING), disk.flags());
        assertEquals(Optional.of(0L), disk.mediaErrors());
        assertEquals(Optional.of(18376L), disk.powerOnHours());
    }

    @Test
    void nvmeWithMediaErrorsStillPasses() {
        DiskHealth disk = disk("scrutiny-smart-nvme-failed.json");
        assertEquals(Optional.of(true), disk.smartPassed());
        assertEquals(Optional.of(7L), disk.mediaErrors());
        assertEquals(Optional.of(3), disk.percentageUsed());
        assertEquals(Optional.of(0), disk.nvmeCriticalWarning());
    }

    @Test
    void healthyNvmeReportsZeroesThatWereMeasured() {
        DiskHealth disk = disk("exporter-nvme-null-Micron_7450_MTFDKCC3T2TFS-nvme1.json");
        assertEquals(Optional.of(0), disk.nvmeCriticalWarning());
        assertEquals(Optional.of(0L), disk.mediaErrors());
        assertEquals(Optional.of(2884L), disk.powerOnHours());
    }

    @Test
    void seagateHoursMinutesSecondsAttributeGivesItsHours() {
        // attribute 9 reads "47060h+35m+00.858s"; power_on_time says the same
        DiskHealth disk = disk("exporter-sat-Seagate_Enterprise_Capacity_3.5_HDD-ST1000NM0008-2F2100-sda.json");
        assertEquals(Optional.of(47060L), disk.powerOnHours());
        assertEquals(Optional.of(0L), disk.pendingSectors());
    }

    @Test
    void ssdWithoutTheSectorAttributesLeavesThemUnknown() {
        DiskHealth disk = disk("exporter-sat-Phison_Driven_SSDs-KINGSTON_SA400M8120G-sda.json");
        assertEquals(Optional.empty(), disk.reallocatedSectors());
        assertEquals(Optional.empty(), disk.pendingSectors());
        assertEquals(Set.of(SmartctlFlag.SMART_COMMAND_FAILED), disk.flags());
    }

    @Test
    void errorLogBitOnAHealthyDrive() {
        DiskHealth disk = disk("exporter-HGST_HUS724020ALE640_28.json");
        assertEquals(Optional.of(true), disk.smartPassed());
        assertEquals(Set.of(SmartctlFlag.ERROR_LOG_HAS_ERRORS), disk.flags());
        assertEquals(Optional.of(83425L), disk.powerOnHours());
    }

    @Test
    void oldScsiDrivesWithGrownDefectsAndUncorrectedErrors() {
        DiskHealth worn = disk("exporter-SEAGATE_ST373453LC_26.json");
        assertEquals(Optional.of(260L), worn.reallocatedSectors());
        assertEquals(Optional.of(536L), worn.mediaErrors());
        assertEquals(Optional.of(102880L), worn.powerOnHours());
        DiskHealth noHours = disk("exporter-HP_73.4G_MAS3735NC_25.json");
        assertEquals(Optional.empty(), noHours.powerOnHours(), "this drive reports no power-on time");
        assertEquals(Optional.of(28.0), noHours.temperatureCelsius());
        DiskHealth sas = disk("scrutiny-smart-scsi2.json");
        assertEquals(Optional.of(0L), sas.mediaErrors());
        assertEquals(Optional.of(5675L), sas.powerOnHours());
    }

    @Test
    void drivesBehindMegaraidKeepTheirControllerAddress() {
        DiskHealth sas = disk("exporter-megaraid,1-null-TOSHIBA_MG08SCA16TEY-0.json");
        assertEquals("/dev/bus/0", sas.device());
        assertEquals(Optional.of("megaraid,1"), sas.deviceType());
        assertEquals(DiskProtocol.SCSI, sas.protocol());
        assertEquals(Optional.empty(), sas.powerOnHours(), "smartctl 7.1 prints no SCSI power-on time");
        assertEquals(Optional.of(0L), sas.reallocatedSectors());
        DiskHealth ssd = disk("exporter-sat+megaraid,1-null-HFS1T9G3H2X069N-0.json");
        assertEquals(Optional.of("sat+megaraid,1"), ssd.deviceType());
        assertEquals(Optional.empty(), ssd.pendingSectors(), "this SSD has no attribute 197");
        assertEquals(Optional.of(0L), ssd.offlineUncorrectableSectors());
        assertEquals(2, ssd.messages().size(), ssd.messages().toString());
    }

    @Test
    void scanOutputGivenAsADrivesOutputIsNamedForWhatItIs() {
        String scan = Fixtures.read(FOLDER + "scrutiny-smartctl_scan_megaraid.json");
        ParseResult<DiskHealth> asDrive = SmartctlJsonParser.parse("scan.json", scan);
        assertEquals(List.of(), asDrive.values());
        assertEquals(1, asDrive.problems().size());
        String problem = asDrive.problems().get(0).toString();
        assertTrue(problem.contains("smartctl --scan output"), problem);

        ParseResult<SmartDevice> devices = SmartctlScanParser.parse("scan.json", scan);
        assertTrue(devices.clean(), devices.problemsText());
        assertEquals(
                List.of(SmartDevice.of("/dev/bus/0", "megaraid,0"), SmartDevice.of("/dev/bus/0", "megaraid,1")),
                devices.values());
    }
}
