package io.vigil.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * docs/metrics.md as the tests read it: each table row whose first cell is a metric name, with
 * the section it is under (Agent or Engine), its type, its labels, and for the engine how it reads
 * across instances. A row the reader cannot make sense of is a problem, named with its line.
 */
public record MetricCatalog(Map<String, Entry> entries, List<String> problems) {
    /** Where a metric comes from: the agents' /metrics or the engine's. */
    public enum Exporter {
        AGENT,
        ENGINE
    }

    /** One row. {@code acrossInstances} is empty for the agent's. */
    public record Entry(
            String name, Exporter exporter, String type, Set<String> labels, String acrossInstances, int line) {}

    static final Set<String> TYPES = Set.of("gauge", "counter", "summary", "histogram");
    static final Set<String> ACROSS_INSTANCES = Set.of("sum", "own", "same", "active");

    public static MetricCatalog read(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readAllLines(file));
    }

    static MetricCatalog parse(String fileName, List<String> lines) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Exporter section = null;
        List<String> header = List.of();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int number = i + 1;
            if (line.startsWith("## ")) {
                String title = line.substring(3).strip();
                section = title.equals("Agent") ? Exporter.AGENT : title.equals("Engine") ? Exporter.ENGINE : null;
                continue;
            }
            if (!line.startsWith("|")) {
                continue;
            }
            List<String> cells = cells(line);
            if (cells.get(0).equals("Metric")) {
                header = cells;
                continue;
            }
            if (!cells.get(0).startsWith("`")) {
                continue; // the header's underline
            }
            String where = fileName + ":" + number + ": ";
            String name = cells.get(0).replace("`", "");
            if (section == null) {
                problems.add(where + name + " is under neither '## Agent' nor '## Engine'");
                continue;
            }
            if (cells.size() != header.size()) {
                problems.add(where + name + " has " + cells.size() + " cells, its table's header " + header.size());
                continue;
            }
            String type = cell(header, cells, "Type");
            if (!TYPES.contains(type)) {
                problems.add(where + name + ": type '" + type + "' is none of " + TYPES);
            }
            Set<String> labels = new LinkedHashSet<>();
            Arrays.stream(cell(header, cells, "Labels").replace("`", "").split(","))
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .forEach(labels::add);
            String across = section == Exporter.ENGINE ? cell(header, cells, "Across instances") : "";
            if (section == Exporter.ENGINE && !ACROSS_INSTANCES.contains(across)) {
                problems.add(where + name + ": across instances '" + across + "' is none of " + ACROSS_INSTANCES);
            }
            if (cell(header, cells, "Meaning").isBlank()
                    || cell(header, cells, "Unit").isBlank()) {
                problems.add(where + name + ": its unit and meaning must be said");
            }
            Entry previous = entries.put(name, new Entry(name, section, type, labels, across, number));
            if (previous != null) {
                problems.add(where + name + " is listed twice (first on line " + previous.line() + ")");
            }
        }
        return new MetricCatalog(entries, problems);
    }

    /**
     * What differs between this catalog and what was exported: a metric without an entry, an entry
     * without a metric, a type, labels or exporter that differ; and the catalog's own problems.
     */
    List<String> differences(Map<String, Exposition.Family> exported, String fileName) {
        List<String> out = new ArrayList<>(problems);
        exported.forEach((name, family) -> {
            Entry entry = entries.get(name);
            if (entry == null) {
                out.add(name + " (" + family.type() + ", labels " + family.labels() + ") is exported by the "
                        + family.exporter().name().toLowerCase() + " but has no entry in " + fileName);
                return;
            }
            String where = fileName + ":" + entry.line() + ": " + name;
            if (!entry.type().equals(family.type())) {
                out.add(where + " is listed as a " + entry.type() + " but exported as a " + family.type());
            }
            if (!entry.labels().equals(Set.copyOf(family.labels()))) {
                out.add(where + " is listed with labels " + entry.labels() + " but exported with " + family.labels());
            }
            if (entry.exporter() != family.exporter()) {
                out.add(where + " is listed under " + entry.exporter() + " but exported by the " + family.exporter());
            }
        });
        entries.values().stream()
                .filter(e -> !exported.containsKey(e.name()))
                .forEach(e -> out.add(fileName + ":" + e.line() + ": " + e.name()
                        + " is listed but neither the agents nor the engine exported it"));
        return out;
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    private static String cell(List<String> header, List<String> cells, String column) {
        int index = header.indexOf(column);
        return index < 0 ? "" : cells.get(index);
    }
}
