package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One dashboard JSON file as Grafana would read it: its name, its JSON, its panels (those inside rows too). */
record DashboardFile(String name, JsonNode json) {
    /** A panel's query, with where it is. */
    record Target(DashboardFile dashboard, JsonNode panel, String refId, String expr, String legend) {
        String where() {
            return dashboard.name() + ": " + inPanel();
        }

        String inPanel() {
            return "panel " + panel.path("id").asText() + " '"
                    + panel.path("title").asText() + "' target " + refId;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every *.json in {@code folder}, by name. */
    static List<DashboardFile> readAll(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .map(DashboardFile::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DashboardFile read(Path file) {
        try {
            return new DashboardFile(file.getFileName().toString(), JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file name without .json, which the uid carries. */
    String baseName() {
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    String uid() {
        return json.path("uid").asText();
    }

    /** The panels, a row's own panels in its place (a collapsed row keeps them inside it). */
    List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            out.add(panel);
            panel.path("panels").forEach(out::add);
        }
        return out;
    }

    /** The panels that show data: rows and text panels query nothing. */
    List<JsonNode> dataPanels() {
        return panels().stream()
                .filter(p -> !List.of("row", "text").contains(p.path("type").asText()))
                .toList();
    }

    JsonNode panel(String title) {
        return panels().stream()
                .filter(p -> p.path("title").asText().equals(title))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no panel '" + title + "'"));
    }

    List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (JsonNode panel : dataPanels()) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new Target(
                        this,
                        panel,
                        target.path("refId").asText(),
                        target.path("expr").asText(),
                        target.path("legendFormat").asText()));
            }
        }
        return out;
    }

    List<JsonNode> variables() {
        List<JsonNode> out = new ArrayList<>();
        json.path("templating").path("list").forEach(out::add);
        return out;
    }
}
