package io.vigil.collectors.lvm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.collectors.parse.JsonSyntaxProblem;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.LogicalVolume;
import io.vigil.events.LvmReport.VolumeGroup;
import io.vigil.events.Name;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JSON reports of {@code vgs} and {@code lvs} run with
 * {@code --reportformat json --units b --nosuffix} and the fields {@link LvmProbe} asks for, or as a
 * user captures {@code lvs --reportformat json} with LVM's default columns and units.
 * LVM prints every value as a string, one row per line; an empty string means "does not apply"
 * (no pool, no origin, not a thin or snapshot LV) and becomes an empty Optional. A row that
 * cannot be read is a problem naming its line and field; the other rows are kept.
 */
public final class LvmReportParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A size as lvs prints it without --units: "6.67g", "<1.00g", "820.00m". */
    /** An internal volume's name as lvs prints it: "[thin-pool_tdata]". */
    private static final Pattern INTERNAL = Pattern.compile("\\[(.+)\\]");

    private static final Pattern HUMAN_SIZE = Pattern.compile("<?(\\d+(?:\\.\\d+)?)([bBsSkKmMgGtTpPeE])");

    private LvmReportParser() {}

    public static ParseResult<VolumeGroup> parseVgs(String source, String text) {
        Sections sections = sections(source, text);
        List<VolumeGroup> groups = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>(sections.problems());
        if (!sections.rows().containsKey("vg") && problems.isEmpty()) {
            problems.add(new ParseProblem(
                    source, 0, "", "no \"vg\" report in this output (expected vgs --reportformat json)"));
        }
        for (Row row : sections.rows().getOrDefault("vg", List.of())) {
            try {
                groups.add(volumeGroup(row.node()));
            } catch (IllegalArgumentException e) {
                problems.add(new ParseProblem(source, row.line(), row.node().toString(), e.getMessage()));
            }
        }
        return new ParseResult<>(groups, problems);
    }

    /** The logical volumes, with no DRBD resource yet (that comes from the agent's config). */
    public static ParseResult<LogicalVolume> parseLvs(String source, String text) {
        Sections sections = sections(source, text);
        List<LogicalVolume> volumes = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>(sections.problems());
        if (!sections.rows().containsKey("lv") && problems.isEmpty()) {
            problems.add(new ParseProblem(
                    source, 0, "", "no \"lv\" report in this output (expected lvs --reportformat json)"));
        }
        for (Row row : sections.rows().getOrDefault("lv", List.of())) {
            if (internal(row.node().get("lv_name"))) {
                continue;
            }
            try {
                volumes.add(logicalVolume(row.node()));
            } catch (IllegalArgumentException e) {
                problems.add(new ParseProblem(source, row.line(), row.node().toString(), e.getMessage()));
            }
        }
        return new ParseResult<>(volumes, problems);
    }

    /**
     * The entry point of {@code vigil parse vgs|lvs FILE}: one partial {@link LvmReport} (only VGs
     * for a vgs capture, only LVs for an lvs capture), or none when no row could be read.
     */
    public static ParseResult<Body> toEvents(String source, String text) {
        Sections sections = sections(source, text);
        boolean vgs = sections.rows().containsKey("vg");
        boolean lvs = sections.rows().containsKey("lv");
        if (!vgs && !lvs) {
            List<ParseProblem> problems = new ArrayList<>(sections.problems());
            if (problems.isEmpty()) {
                problems.add(new ParseProblem(
                        source,
                        0,
                        "",
                        "no \"vg\" or \"lv\" report in this output (expected vgs or lvs --reportformat json)"));
            }
            return new ParseResult<>(List.of(), problems);
        }
        ParseResult<VolumeGroup> groups = vgs ? parseVgs(source, text) : ParseResult.of(List.of());
        ParseResult<LogicalVolume> volumes = lvs ? parseLvs(source, text) : ParseResult.of(List.of());
        List<ParseProblem> problems = new ArrayList<>(groups.problems());
        volumes.problems().stream().filter(p -> !problems.contains(p)).forEach(problems::add);
        boolean nothingRead = groups.values().isEmpty() && volumes.values().isEmpty() && !problems.isEmpty();
        List<Body> report = nothingRead ? List.of() : List.of(new LvmReport(groups.values(), volumes.values()));
        return new ParseResult<>(report, problems);
    }

    private static VolumeGroup volumeGroup(JsonNode row) {
        return new VolumeGroup(
                Name.check("vg_name", string(row, "vg_name")),
                bytes(row, "vg_size"),
                bytes(row, "vg_free"),
                count(row, "pv_count"),
                count(row, "lv_count"));
    }

    /**
     * vg_name, lv_name, lv_size and lv_attr are needed; the other columns are read when there,
     * so a capture with LVM's default columns (no snap_percent) or the probe's own both read.
     */
    private static LogicalVolume logicalVolume(JsonNode row) {
        String attributes = attributes(string(row, "lv_attr"));
        Optional<Double> data = percent(row, "data_percent");
        // lvs' default columns have no snap_percent: they show a classic snapshot's fill as Data%
        boolean snapshot = attributes.charAt(0) == 's' || attributes.charAt(0) == 'S';
        Optional<Double> snap =
                row.has("snap_percent") ? percent(row, "snap_percent") : snapshot ? data : Optional.empty();
        return new LogicalVolume(
                Name.check("vg_name", string(row, "vg_name")),
                Name.check("lv_name", string(row, "lv_name")),
                size(row, "lv_size"),
                attributes,
                optionalName(row, "pool_lv"),
                optionalName(row, "origin"),
                data,
                percent(row, "metadata_percent"),
                snap,
                Optional.empty());
    }

    /**
     * A size in bytes ({@code --units b --nosuffix}, what the probe asks for), or as lvs prints it
     * by default: two decimals and a unit, lower case binary (k = KiB ... e = EiB), upper case
     * decimal (K = 1000 ...), s sectors, b/B bytes, and "&lt;" where the figure was rounded up.
     * A human figure is as exact as its two decimals.
     */
    private static long size(JsonNode row, String field) {
        String value = string(row, field);
        Matcher m = HUMAN_SIZE.matcher(value);
        if (!m.matches()) {
            return bytes(row, field);
        }
        char letter = m.group(2).charAt(0);
        int power = "bkmgtpe".indexOf(Character.toLowerCase(letter));
        double unit = Character.toLowerCase(letter) == 's'
                ? 512
                : Math.pow(Character.isUpperCase(letter) ? 1000 : 1024, power);
        double bytes = Double.parseDouble(m.group(1)) * unit;
        if (bytes >= Long.MAX_VALUE) {
            throw new IllegalArgumentException(field + ": '" + Name.printable(value) + "' is out of range");
        }
        return Math.round(bytes);
    }

    private static String string(JsonNode row, String field) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(field + ": is missing (run with -o " + field + ")");
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException(field + ": expected a value, found " + value.getNodeType());
        }
        return value.asText().strip();
    }

    private static long bytes(JsonNode row, String field) {
        String value = string(row, field);
        try {
            long bytes = Long.parseLong(value);
            if (bytes < 0) {
                throw new NumberFormatException();
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + Name.printable(value)
                    + "' is not a number of bytes (run with --units b --nosuffix)");
        }
    }

    private static int count(JsonNode row, String field) {
        long value = bytes(row, field);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + ": " + value + " is too large for a count");
        }
        return (int) value;
    }

    /** A percentage; empty when LVM leaves it blank (does not apply) or the column was not asked for. */
    private static Optional<Double> percent(JsonNode row, String field) {
        if (!row.has(field)) {
            return Optional.empty();
        }
        String value = string(row, field);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            double percent = Double.parseDouble(value);
            if (!(percent >= 0 && percent <= 100)) {
                throw new NumberFormatException();
            }
            return Optional.of(percent);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + Name.printable(value) + "' is not a percentage");
        }
    }

    /**
     * A volume another one is built of (a thin pool's [pool_tdata], a RAID image, a cache's
     * [..._corig], [lvol0_pmspare]): lvs prints LVM's internal volumes in brackets, and only with
     * --all. They are parts of the volumes reported, not volumes of their own, so they are left out.
     */
    private static boolean internal(JsonNode lvName) {
        return lvName != null
                && lvName.isTextual()
                && INTERNAL.matcher(lvName.asText().strip()).matches();
    }

    /** A pool or origin by name; a hidden one (a cache LV's "[cpool_cpool]") is named without its brackets. */
    private static Optional<String> optionalName(JsonNode row, String field) {
        if (!row.has(field)) {
            return Optional.empty();
        }
        String value = string(row, field);
        Matcher hidden = INTERNAL.matcher(value);
        String name = hidden.matches() ? hidden.group(1) : value;
        return name.isEmpty() ? Optional.empty() : Optional.of(Name.check(field, name));
    }

    private static String attributes(String attr) {
        // lv_attr is ten characters from a fixed alphabet (lvs(8)); anything else is not lvs output
        if (!attr.matches("[a-zA-Z-]{1,16}")) {
            throw new IllegalArgumentException(
                    "lv_attr: '" + Name.printable(attr) + "' is not an lvs attribute string");
        }
        return attr;
    }

    /** One report row with the line it starts on. */
    private record Row(int line, JsonNode node) {}

    /** The rows of each report section ("vg", "lv") and any syntax problem that stopped the reading. */
    private record Sections(Map<String, List<Row>> rows, List<ParseProblem> problems) {}

    private static Sections sections(String source, String text) {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        List<ParseProblem> problems = new ArrayList<>();
        if (text.isBlank()) {
            return new Sections(rows, List.of(new ParseProblem(source, 0, "", "no output")));
        }
        try (JsonParser parser = JSON.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token != JsonToken.FIELD_NAME || !List.of("vg", "lv").contains(parser.currentName())) {
                    continue;
                }
                String section = parser.currentName();
                List<Row> sectionRows = rows.computeIfAbsent(section, s -> new ArrayList<>());
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    problems.add(new ParseProblem(
                            source,
                            parser.currentTokenLocation().getLineNr(),
                            "",
                            "\"" + section + "\" is not a list of rows"));
                    continue;
                }
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    int line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = JSON.readTree(parser);
                    if (item == JsonToken.START_OBJECT) {
                        sectionRows.add(new Row(line, node));
                    } else {
                        problems.add(
                                new ParseProblem(source, line, String.valueOf(node), "a report row must be an object"));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(JsonSyntaxProblem.of(source, text, e));
        } catch (IOException e) {
            problems.add(new ParseProblem(source, 0, "", "cannot read: " + e.getMessage()));
        }
        return new Sections(rows, problems);
    }
}
