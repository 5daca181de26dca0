package io.vigil.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.DiskProtocol;
import io.vigil.events.SmartctlFlag;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * smartctl 7.3's JSON output ({@code --json -a}, {@code --scan-open --json}) for simulated disks,
 * laid out as smartctl lays it out (two-space indent, one array element per line), with the exit
 * status bits a real smartctl returns for that state. The envelope (json_format_version, smartctl,
 * local_time, messages) matches real output captured on this machine; the ATA and NVMe sections
 * follow smartctl's documented JSON keys (no such disk exists here to run it against).
 */
final class SmartctlText {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy 'UTC'", Locale.ROOT);

    private SmartctlText() {}

    record Output(String stdout, int exitStatus) {}

    static Output scan(List<SimDisk> disks, List<String> argv, Instant now) {
        ObjectNode root = envelope(argv, 0);
        ArrayNode devices = root.putArray("devices");
        for (SimDisk disk : disks) {
            deviceNode(devices.addObject(), disk, disk.device);
        }
        return new Output(render(root), 0);
    }

    static Output noSuchDevice(String device, List<String> argv, Instant now) {
        int status = 1 << SmartctlFlag.DEVICE_OPEN_FAILED.bit();
        ObjectNode root = envelope(argv, status);
        ObjectNode message =
                ((ObjectNode) root.get("smartctl")).putArray("messages").addObject();
        message.put("string", "Smartctl open device: " + device + " failed: No such device");
        message.put("severity", "error");
        moveExitStatusLast(root);
        localTime(root, now);
        return new Output(render(root), status);
    }

    static Output all(SimDisk disk, String asked, List<String> argv, Instant now) {
        int status = exitStatus(disk);
        ObjectNode root = envelope(argv, status);
        localTime(root, now);
        deviceNode(root.putObject("device"), disk, asked);
        if (disk.protocol == DiskProtocol.NVME) {
            nvme(root, disk);
        } else {
            ata(root, disk);
        }
        return new Output(render(root), status);
    }

    /** The bits smartctl(8) sets for what the disk reports. */
    static int exitStatus(SimDisk disk) {
        int status = 0;
        if (disk.smartFailing()) {
            status |= 1 << SmartctlFlag.DISK_FAILING.bit();
            if (disk.protocol != DiskProtocol.NVME) {
                status |= 1 << SmartctlFlag.PREFAIL_BELOW_THRESHOLD.bit();
            }
        }
        if (disk.errorLogEntries > 0) {
            status |= 1 << SmartctlFlag.ERROR_LOG_HAS_ERRORS.bit();
        }
        return status;
    }

    private static ObjectNode envelope(List<String> argv, int status) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("json_format_version").add(1).add(0);
        ObjectNode smartctl = root.putObject("smartctl");
        smartctl.putArray("version").add(7).add(3);
        smartctl.put("svn_revision", "5338");
        smartctl.put("platform_info", "x86_64-linux-6.1.0-28-amd64");
        smartctl.put("build_info", "(local build)");
        ArrayNode args = smartctl.putArray("argv");
        argv.forEach(args::add);
        smartctl.put("exit_status", status);
        return root;
    }

    private static void moveExitStatusLast(ObjectNode root) {
        ObjectNode smartctl = (ObjectNode) root.get("smartctl");
        int status = smartctl.remove("exit_status").asInt();
        smartctl.put("exit_status", status);
    }

    private static void localTime(ObjectNode root, Instant now) {
        ObjectNode time = root.putObject("local_time");
        time.put("time_t", now.getEpochSecond());
        time.put("asctime", ASCTIME.format(now.atZone(ZoneOffset.UTC)));
    }

    private static void deviceNode(ObjectNode node, SimDisk disk, String name) {
        boolean nvme = disk.protocol == DiskProtocol.NVME;
        node.put("name", name);
        node.put("info_name", nvme ? name : name + " [SAT]");
        node.put("type", scanType(disk));
        node.put("protocol", disk.protocol.wire());
    }

    /** The -d type smartctl's scan names for the disk. */
    static String scanType(SimDisk disk) {
        return disk.protocol == DiskProtocol.NVME ? "nvme" : "sat";
    }

    private static void ata(ObjectNode root, SimDisk disk) {
        root.put("model_family", disk.modelFamily);
        root.put("model_name", disk.model);
        root.put("serial_number", disk.serial);
        root.put("firmware_version", disk.firmware);
        ObjectNode capacity = root.putObject("user_capacity");
        capacity.put("blocks", disk.capacityBytes / 512);
        capacity.put("bytes", disk.capacityBytes);
        root.put("logical_block_size", 512);
        root.put("physical_block_size", 4096);
        root.put("rotation_rate", 5400);
        root.put("in_smartctl_database", true);
        ObjectNode support = root.putObject("smart_support");
        support.put("available", true);
        support.put("enabled", true);
        root.putObject("smart_status").put("passed", !disk.smartFailing());
        ObjectNode attributes = root.putObject("ata_smart_attributes");
        attributes.put("revision", 16);
        ArrayNode table = attributes.putArray("table");
        attribute(
                table,
                1,
                "Raw_Read_Error_Rate",
                disk.failed ? 1 : 200,
                51,
                true,
                disk.failed ? "FAILING_NOW" : "",
                "PO-R--",
                47,
                disk.failed ? 31337 : 0);
        attribute(table, 3, "Spin_Up_Time", 180, 21, true, "", "POS--K", 39, 5975);
        attribute(table, 4, "Start_Stop_Count", 100, 0, false, "", "-O--CK", 50, disk.powerCycles);
        attribute(
                table,
                5,
                "Reallocated_Sector_Ct",
                disk.reallocatedSectors > 0 ? 1 : 200,
                140,
                true,
                disk.reallocatedSectors > 0 ? "FAILING_NOW" : "",
                "PO--CK",
                51,
                disk.reallocatedSectors);
        attribute(table, 9, "Power_On_Hours", 68, 0, false, "", "-O--CK", 50, disk.powerOnHours);
        attribute(table, 12, "Power_Cycle_Count", 100, 0, false, "", "-O--CK", 50, disk.powerCycles);
        attribute(table, 194, "Temperature_Celsius", 116, 0, false, "", "-O---K", 34, disk.temperatureCelsius);
        attribute(table, 197, "Current_Pending_Sector", 200, 0, false, "", "-O--CK", 50, disk.pendingSectors);
        attribute(table, 198, "Offline_Uncorrectable", 200, 0, false, "", "----CK", 48, disk.offlineUncorrectable);
        attribute(table, 199, "UDMA_CRC_Error_Count", 200, 0, false, "", "-O--CK", 50, 0);
        root.putObject("power_on_time").put("hours", disk.powerOnHours);
        root.put("power_cycle_count", disk.powerCycles);
        root.putObject("temperature").put("current", disk.temperatureCelsius);
        ObjectNode errorLog = root.putObject("ata_smart_error_log").putObject("summary");
        errorLog.put("revision", 1);
        errorLog.put("count", disk.errorLogEntries);
        ObjectNode selfTests = root.putObject("ata_smart_self_test_log").putObject("standard");
        selfTests.put("revision", 1);
        selfTests.put("count", 0);
    }

    private static void attribute(
            ArrayNode table,
            int id,
            String name,
            int value,
            int threshold,
            boolean prefailure,
            String whenFailed,
            String flagString,
            int flagValue,
            long raw) {
        ObjectNode a = table.addObject();
        a.put("id", id);
        a.put("name", name);
        a.put("value", value);
        a.put("worst", value);
        a.put("thresh", threshold);
        a.put("when_failed", whenFailed);
        ObjectNode flags = a.putObject("flags");
        flags.put("value", flagValue);
        flags.put("string", flagString + " ");
        flags.put("prefailure", prefailure);
        flags.put("updated_online", flagString.charAt(1) == 'O');
        flags.put("performance", flagString.charAt(2) == 'S');
        flags.put("error_rate", flagString.charAt(3) == 'R');
        flags.put("event_count", flagString.charAt(4) == 'C');
        flags.put("auto_keep", flagString.charAt(5) == 'K');
        ObjectNode rawNode = a.putObject("raw");
        rawNode.put("value", raw);
        rawNode.put("string", Long.toString(raw));
    }

    private static void nvme(ObjectNode root, SimDisk disk) {
        root.put("model_name", disk.model);
        root.put("serial_number", disk.serial);
        root.put("firmware_version", disk.firmware);
        ObjectNode vendor = root.putObject("nvme_pci_vendor");
        vendor.put("id", 5197);
        vendor.put("subsystem_id", 5197);
        root.put("nvme_ieee_oui_identifier", 9528);
        root.put("nvme_total_capacity", disk.capacityBytes);
        root.put("nvme_unallocated_capacity", 0);
        root.put("nvme_controller_id", 4);
        ObjectNode version = root.putObject("nvme_version");
        version.put("string", "1.3");
        version.put("value", 66304);
        root.put("nvme_number_of_namespaces", 1);
        ObjectNode capacity = root.putObject("user_capacity");
        capacity.put("blocks", disk.capacityBytes / 512);
        capacity.put("bytes", disk.capacityBytes);
        root.put("logical_block_size", 512);
        ObjectNode support = root.putObject("smart_support");
        support.put("available", true);
        support.put("enabled", true);
        ObjectNode status = root.putObject("smart_status");
        status.put("passed", disk.criticalWarning == 0);
        status.putObject("nvme").put("value", disk.criticalWarning);
        ObjectNode log = root.putObject("nvme_smart_health_information_log");
        log.put("critical_warning", disk.criticalWarning);
        log.put("temperature", disk.temperatureCelsius);
        log.put("available_spare", disk.availableSpare);
        log.put("available_spare_threshold", 10);
        log.put("percentage_used", disk.percentageUsed);
        log.put("data_units_read", 21_473_690L);
        log.put("data_units_written", 35_126_311L);
        log.put("host_reads", 301_227_118L);
        log.put("host_writes", 612_838_402L);
        log.put("controller_busy_time", 1_204);
        log.put("power_cycles", disk.powerCycles);
        log.put("power_on_hours", disk.powerOnHours);
        log.put("unsafe_shutdowns", 12);
        log.put("media_errors", disk.mediaErrors);
        log.put("num_err_log_entries", disk.errorLogEntries);
        log.put("warning_temp_time", 0);
        log.put("critical_comp_time", 0);
        log.putArray("temperature_sensors").add(disk.temperatureCelsius).add(disk.temperatureCelsius + 6);
        root.putObject("temperature").put("current", disk.temperatureCelsius);
        root.put("power_cycle_count", disk.powerCycles);
        root.putObject("power_on_time").put("hours", disk.powerOnHours);
    }

    private static String render(ObjectNode root) {
        try {
            return JSON.writer(PRINTER).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render smartctl JSON", e);
        }
    }
}
