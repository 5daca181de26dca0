package io.vigil.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code vgs}/{@code lvs --reportformat json --units b --nosuffix -o ...} as LVM 2.03 prints it:
 * the report layout (two-space indent, one row a line, values as strings) was captured from the
 * real vgs on a loop device here. Only the columns the simulator knows are offered; another column
 * gets LVM's own "Unrecognised field" error.
 */
final class LvmText {
    private LvmText() {}

    record Vg(
            String name, long sizeBytes, long freeBytes, int pvCount, int lvCount, Optional<String> missingPvDevice) {}

    /** One row of lvs: the pool and the percentages are LVM's empty string where they do not apply (a linear LV). */
    record Lv(
            String vg,
            String name,
            long sizeBytes,
            String attributes,
            String pool,
            String dataPercent,
            String metadataPercent) {
        static Lv linear(String vg, String name, long sizeBytes, String attributes) {
            return new Lv(vg, name, sizeBytes, attributes, "", "", "");
        }
    }

    record Output(String stdout, String stderr, int exitCode) {}

    private static final Map<String, Function<Vg, String>> VG_FIELDS = new LinkedHashMap<>();
    private static final Map<String, Function<Lv, String>> LV_FIELDS = new LinkedHashMap<>();

    static {
        VG_FIELDS.put("vg_name", Vg::name);
        VG_FIELDS.put("vg_size", vg -> Long.toString(vg.sizeBytes()));
        VG_FIELDS.put("vg_free", vg -> Long.toString(vg.freeBytes()));
        VG_FIELDS.put("pv_count", vg -> Integer.toString(vg.pvCount()));
        VG_FIELDS.put("lv_count", vg -> Integer.toString(vg.lvCount()));
        LV_FIELDS.put("vg_name", Lv::vg);
        LV_FIELDS.put("lv_name", Lv::name);
        LV_FIELDS.put("lv_size", lv -> Long.toString(lv.sizeBytes()));
        LV_FIELDS.put("lv_attr", Lv::attributes);
        LV_FIELDS.put("pool_lv", Lv::pool);
        LV_FIELDS.put("data_percent", Lv::dataPercent);
        LV_FIELDS.put("metadata_percent", Lv::metadataPercent);
        // the lab has no snapshots: no origin, no snapshot percentage; LVM prints empty strings
        LV_FIELDS.put("origin", lv -> "");
        LV_FIELDS.put("snap_percent", lv -> "");
    }

    static Output vgs(List<Vg> vgs, List<String> columns) {
        return report("vg", vgs, columns, VG_FIELDS, missingPvWarnings(vgs));
    }

    static Output lvs(List<Lv> lvs, List<Vg> vgs, List<String> columns) {
        return report("lv", lvs, columns, LV_FIELDS, missingPvWarnings(vgs));
    }

    private static String missingPvWarnings(List<Vg> vgs) {
        StringBuilder err = new StringBuilder();
        for (Vg vg : vgs) {
            vg.missingPvDevice().ifPresent(device -> {
                String uuid = pvUuid(vg.name());
                err.append("  WARNING: Couldn't find device with uuid ")
                        .append(uuid)
                        .append(".\n");
                err.append("  WARNING: VG ")
                        .append(vg.name())
                        .append(" is missing PV ")
                        .append(uuid)
                        .append(" (last written to ")
                        .append(device)
                        .append(").\n");
            });
        }
        return err.toString();
    }

    static String pvUuid(String vg) {
        String seed = (vg + "PVuuidSeedForTheLab0123456789abcdef").replaceAll("[^A-Za-z0-9]", "");
        String s = seed.substring(0, 32);
        return s.substring(0, 6) + "-" + s.substring(6, 10) + "-" + s.substring(10, 14) + "-" + s.substring(14, 18)
                + "-" + s.substring(18, 22) + "-" + s.substring(22, 26) + "-" + s.substring(26, 32);
    }

    private static <T> Output report(
            String kind, List<T> rows, List<String> columns, Map<String, Function<T, String>> known, String warnings) {
        for (String column : columns) {
            if (!known.containsKey(column)) {
                return new Output("", "  Unrecognised field: " + column + "\n", 3);
            }
        }
        List<String> lines = new ArrayList<>();
        for (T row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add("\"" + column + "\":\"" + known.get(column).apply(row) + "\"");
            }
            lines.add("                  {" + String.join(", ", cells) + "}");
        }
        StringBuilder out = new StringBuilder();
        out.append("  {\n");
        out.append("      \"report\": [\n");
        out.append("          {\n");
        out.append("              \"").append(kind).append("\": [\n");
        if (!lines.isEmpty()) {
            out.append(String.join(",\n", lines)).append("\n");
        }
        out.append("              ]\n");
        out.append("          }\n");
        out.append("      ]\n");
        out.append("  }\n");
        return new Output(out.toString(), warnings, 0);
    }
}
