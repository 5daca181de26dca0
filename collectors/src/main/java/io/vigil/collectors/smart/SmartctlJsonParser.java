package io.vigil.collectors.smart;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.Name;
import io.vigil.events.WireEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code smartctl --json -a} (smartmontools 7.0 and later; 6.x has no JSON) into
 * {@link DiskHealth}: ATA attribute table (5, 197, 198 by id, raw value), the NVMe health log,
 * SCSI/SAS grown defects and uncorrected errors, overall health, temperature, power-on hours and
 * smartctl's own messages. Fields that a version or protocol does not print stay empty.
 */
public final class SmartctlJsonParser {
    static final int REALLOCATED_SECTOR_CT = 5;
    static final int CURRENT_PENDING_SECTOR = 197;
    static final int OFFLINE_UNCORRECTABLE = 198;
    static final int POWER_ON_HOURS = 9;
    private static final int MAX_MESSAGE_CHARS = 500;
    /** The figure a raw string starts with, ended by its end, a space, "(" or "h" (hours of "h+m+s"). */
    private static final Pattern SHOWN_RAW = Pattern.compile("(\\d{1,18})(?=$|[\\s(h])");

    private SmartctlJsonParser() {}

    /** Every document in {@code text}; the device and exit status come from the documents themselves. */
    public static ParseResult<DiskHealth> parse(String source, String text) {
        return parse(source, text, Optional.empty(), OptionalInt.empty());
    }

    /** The entry point of {@code vigil parse smartctl FILE}. */
    public static ParseResult<Body> toEvents(String source, String text) {
        return parse(source, text).map(d -> d);
    }

    /**
     * As the probe reads one run: {@code asked} names the drive when smartctl did not get far
     * enough to print a device object, and {@code exitStatus} is the process's real exit code,
     * which wins over the copy in the document.
     */
    static ParseResult<DiskHealth> parse(
            String source, String text, Optional<SmartDevice> asked, OptionalInt exitStatus) {
        ParseResult<JsonDocuments.Document> documents = JsonDocuments.read(source, text);
        List<DiskHealth> disks = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        for (JsonDocuments.Document document : documents.values()) {
            try {
                disks.add(read(document.root(), asked, exitStatus));
            } catch (IllegalArgumentException e) {
                problems.add(new ParseProblem(source, document.line(), "", "document refused: " + e.getMessage()));
            }
        }
        problems.addAll(documents.problems());
        return new ParseResult<>(disks, problems);
    }

    private static DiskHealth read(JsonNode root, Optional<SmartDevice> asked, OptionalInt exitStatus) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, found " + root.getNodeType());
        }
        if (!root.has("json_format_version") && !root.has("smartctl")) {
            throw new IllegalArgumentException("not smartctl output (no json_format_version or smartctl object)");
        }
        if (root.path("devices").isArray() && !root.has("device")) {
            // what smartctl --scan[-open] prints: a list of drives, no drive's health
            throw new IllegalArgumentException(
                    "this is smartctl --scan output (a \"devices\" list), not the health of one drive: "
                            + "capture smartctl --json -a DEVICE for each drive");
        }
        JsonNode smartctl = root.path("smartctl");
        JsonNode device = root.path("device");
        String name = text(device, "name")
                .or(() -> asked.map(SmartDevice::device))
                .or(() -> lastArgument(smartctl))
                .orElseThrow(() -> new IllegalArgumentException("device.name is missing and no device was asked for"));
        Name.checkDevice("device.name", name);
        Optional<String> type = text(device, "type").or(() -> asked.flatMap(SmartDevice::type));
        int status = exitStatus.isPresent()
                ? exitStatus.getAsInt()
                : integer(smartctl, "exit_status").orElse(0);

        JsonNode ata = root.path("ata_smart_attributes").path("table");
        JsonNode nvme = root.path("nvme_smart_health_information_log");
        DiskProtocol protocol = text(device, "protocol")
                .flatMap(p -> WireEnum.lookup(DiskProtocol.class, p))
                .orElseGet(() -> guessProtocol(root));

        Optional<Long> reallocated = attributeRaw(ata, REALLOCATED_SECTOR_CT)
                // SCSI/SAS: the grown defect list is the drive's count of reallocated blocks
                .or(() -> longValue(root, "scsi_grown_defect_list"));
        Optional<Long> mediaErrors = longValue(nvme, "media_errors")
                // SCSI/SAS: errors the drive could not correct, over read, write and verify
                .or(() -> scsiUncorrected(root.path("scsi_error_counter_log")));
        Optional<Double> temperature = measuredTemperature(root.path("temperature"))
                .or(() -> number(root.path("scsi_temperature"), "current"))
                .or(() -> number(nvme, "temperature"));
        Optional<Long> powerOnHours = longValue(root.path("power_on_time"), "hours")
                .or(() -> longValue(nvme, "power_on_hours"))
                .or(() -> attributeRaw(ata, POWER_ON_HOURS));

        return new DiskHealth(
                name,
                type,
                model(root),
                text(root, "serial_number"),
                protocol,
                bool(root.path("smart_status"), "passed"),
                status,
                SmartctlExitStatus.decode(status),
                reallocated,
                attributeRaw(ata, CURRENT_PENDING_SECTOR),
                attributeRaw(ata, OFFLINE_UNCORRECTABLE),
                integer(nvme, "critical_warning"),
                mediaErrors,
                integer(nvme, "percentage_used"),
                temperature,
                powerOnHours,
                messages(smartctl));
    }

    private static DiskProtocol guessProtocol(JsonNode root) {
        if (root.has("ata_smart_attributes")) {
            return DiskProtocol.ATA;
        }
        if (root.has("nvme_smart_health_information_log")) {
            return DiskProtocol.NVME;
        }
        if (root.has("scsi_grown_defect_list") || root.has("scsi_error_counter_log")) {
            return DiskProtocol.SCSI;
        }
        return DiskProtocol.UNKNOWN;
    }

    private static Optional<String> model(JsonNode root) {
        // SCSI drives: smartctl 7.4 printed only scsi_model_name / vendor+product; 7.5 re-added model_name
        return text(root, "model_name")
                .or(() -> text(root, "scsi_model_name"))
                .or(() -> text(root, "product")
                        .map(p -> text(root, "vendor").map(v -> v + " " + p).orElse(p)));
    }

    /**
     * The temperature smartctl measured. For a SCSI device with neither an informational-exceptions
     * nor a temperature log page (a RAID volume), smartctl prints the 0 and 0 its scsiCheckIE
     * starts with as current and trip temperature (smartmontools 7.0 to 7.5): no drive trips at
     * 0 °C, so that pair is no reading.
     */
    private static Optional<Double> measuredTemperature(JsonNode temperature) {
        Optional<Double> current = number(temperature, "current");
        boolean placeholder = current.equals(Optional.of(0.0))
                && number(temperature, "drive_trip").equals(Optional.of(0.0));
        return placeholder ? Optional.empty() : current;
    }

    /**
     * An ATA attribute's raw figure as smartctl shows it: the number {@code raw.string} starts
     * with. Many drives pack more into the 48 raw bits than the figure (Seagate's attribute 9
     * "2725 (151 234 0)", "47060h+35m+00.858s"), so {@code raw.value}, the 48 bits whole, is read
     * only when the string gives no leading number.
     */
    private static Optional<Long> attributeRaw(JsonNode table, int id) {
        for (JsonNode attribute : table) {
            if (attribute.path("id").asInt(-1) == id) {
                JsonNode raw = attribute.path("raw");
                return text(raw, "string")
                        .flatMap(SmartctlJsonParser::leadingNumber)
                        .or(() -> longValue(raw, "value"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> leadingNumber(String shown) {
        Matcher m = SHOWN_RAW.matcher(shown);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> scsiUncorrected(JsonNode log) {
        long total = 0;
        boolean any = false;
        for (String direction : List.of("read", "write", "verify")) {
            Optional<Long> count = longValue(log.path(direction), "total_uncorrected_errors");
            if (count.isPresent()) {
                total += count.get();
                any = true;
            }
        }
        return any ? Optional.of(total) : Optional.empty();
    }

    private static List<String> messages(JsonNode smartctl) {
        List<String> messages = new ArrayList<>();
        for (JsonNode message : smartctl.path("messages")) {
            text(message, "string").map(SmartctlJsonParser::visible).ifPresent(messages::add);
        }
        return messages;
    }

    /** A message with control characters made visible and its length capped: it travels on the wire. */
    private static String visible(String message) {
        StringBuilder out = new StringBuilder();
        for (char c : message.toCharArray()) {
            if (out.length() >= MAX_MESSAGE_CHARS) {
                return out.append("...").toString();
            }
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static Optional<String> lastArgument(JsonNode smartctl) {
        JsonNode argv = smartctl.path("argv");
        return argv.isArray() && !argv.isEmpty() ? text(argv.get(argv.size() - 1)) : Optional.empty();
    }

    private static Optional<String> text(JsonNode node) {
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<String> text(JsonNode parent, String field) {
        return text(parent.get(field)).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static Optional<Boolean> bool(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isBoolean() ? Optional.of(node.asBoolean()) : Optional.empty();
    }

    private static Optional<Long> longValue(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isIntegralNumber() && node.canConvertToLong()
                ? Optional.of(node.asLong())
                : Optional.empty();
    }

    private static Optional<Integer> integer(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isIntegralNumber() && node.canConvertToInt()
                ? Optional.of(node.asInt())
                : Optional.empty();
    }

    private static Optional<Double> number(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isNumber() ? Optional.of(node.asDouble()) : Optional.empty();
    }
}
