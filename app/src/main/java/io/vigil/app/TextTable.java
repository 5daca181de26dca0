package io.vigil.app;

import io.vigil.service.terminal.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows printed as an aligned table for people or as CSV for tools (RFC 4180: a field with a comma,
 * quote or line break is quoted). Every cell is the engine's answer: shown through
 * {@link TerminalText} in the table, so that a name off the wire cannot drive the terminal.
 */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = List.of(header);
    }

    TextTable add(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    void printTable(PrintWriter out) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        rows.forEach(r -> all.add(r.stream().map(TerminalText::of).toList()));
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    void printCsv(PrintWriter out) {
        out.println(csvLine(header));
        rows.forEach(r -> out.println(csvLine(r)));
        out.flush();
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String c : cells) {
            quoted.add(
                    c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")
                            ? "\"" + c.replace("\"", "\"\"") + "\""
                            : c);
        }
        return String.join(",", quoted);
    }
}
