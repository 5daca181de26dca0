package io.vigil.lab.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * dashboards/*.json are what {@link VigilDashboards} generates, byte for byte: the JSON is what
 * users copy into Grafana, the generator is where the dashboards are edited. After a change to the
 * generator, write them again with
 * {@code mvn -q -B -o -pl lab -am -Dtest=DashboardsGeneratedTest -Dsurefire.failIfNoSpecifiedTests=false -Ddashboards.write=true test}.
 */
class DashboardsGeneratedTest {
    static final Path FOLDER = Path.of("..", "dashboards");

    @Test
    void theCheckedInDashboardsAreWhatTheGeneratorWrites() throws IOException {
        boolean write = Boolean.getBoolean("dashboards.write");
        for (Dashboard dashboard : VigilDashboards.all()) {
            Path file = FOLDER.resolve(dashboard.file() + ".json");
            String generated = render(dashboard);
            if (write) {
                Files.createDirectories(FOLDER);
                Files.writeString(file, generated, StandardCharsets.UTF_8);
            }
            assertEquals(
                    generated,
                    Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no file)",
                    file
                            + " differs from what VigilDashboards generates: edit the generator, then write the files again (-Ddashboards.write=true)");
        }
    }

    @Test
    void theFolderHoldsNoDashboardTheGeneratorDoesNotWrite() throws IOException {
        List<String> generated = VigilDashboards.all().stream()
                .map(d -> d.file() + ".json")
                .sorted()
                .toList();
        try (Stream<Path> files = Files.list(FOLDER)) {
            assertEquals(
                    generated,
                    files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".json"))
                            .sorted()
                            .toList());
        }
    }

    /** Two-space indents, one key or element a line, as Grafana's own export reads. */
    static String render(Dashboard dashboard) throws IOException {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new GrafanaStyle()
                .withSeparators(
                        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return new ObjectMapper().writer(printer).writeValueAsString(dashboard.json()) + "\n";
    }

    /** Jackson's pretty printer, with empty objects and arrays as {} and [] rather than { } and [ ]. */
    private static final class GrafanaStyle extends DefaultPrettyPrinter {
        GrafanaStyle() {}

        private GrafanaStyle(GrafanaStyle base) {
            super(base);
        }

        @Override
        public GrafanaStyle createInstance() {
            return new GrafanaStyle(this);
        }

        @Override
        public DefaultPrettyPrinter withSeparators(Separators separators) {
            GrafanaStyle copy = new GrafanaStyle(this);
            copy._separators = separators;
            copy._objectFieldValueSeparatorWithSpaces =
                    separators.getObjectFieldValueSpacing().apply(separators.getObjectFieldValueSeparator());
            return copy;
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            if (entries > 0) {
                super.writeEndObject(g, entries);
                return;
            }
            --_nesting;
            g.writeRaw('}');
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (values > 0) {
                super.writeEndArray(g, values);
                return;
            }
            --_nesting;
            g.writeRaw(']');
        }
    }
}
