package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vigil.events.WireCodec;
import io.vigil.service.terminal.TerminalText;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil sagas}: the failovers, as an engine's API tells them (all its instances). */
@Command(
        name = "sagas",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the failovers in progress (with --all, also the recently ended ones), each current one with the "
                    + "phases it went through on the line below."
        },
        footer = {"", "Example: vigil sagas --all --engine http://engine-1:9465"})
final class SagasCommand implements Callable<Integer> {
    /** How to print. */
    enum Format {
        table,
        json
    }

    @Spec
    CommandSpec spec;

    @Mixin
    EngineApi api;

    @Option(names = "--all", description = "also the sagas that ended")
    boolean all;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(
            names = "--time-zone",
            paramLabel = "ZONE",
            defaultValue = "UTC",
            description = "the zone of the phases' times (default: ${DEFAULT-VALUE})")
    ZoneId zone;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<JsonNode> answer = api.callJson("GET", "/api/sagas", null, "vigil sagas", err);
        if (answer.isEmpty()) {
            return 1;
        }
        JsonNode root = answer.get();
        List<JsonNode> sagas = new ArrayList<>();
        root.path("sagas").forEach(s -> {
            if (all || s.path("current").asBoolean()) {
                sagas.add(s);
            }
        });
        List<String> unreachable = new ArrayList<>();
        root.path("unreachable").forEach(u -> unreachable.add(u.asText()));
        if (!unreachable.isEmpty()) {
            err.println("vigil sagas: " + TerminalText.of(String.join(", ", unreachable))
                    + " did not answer: the sagas they hold are missing");
            err.flush();
        }
        if (format == Format.json) {
            ArrayNode list = WireCodec.json().createArrayNode();
            sagas.forEach(list::add);
            out.println(WireCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(list));
            out.flush();
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SAGA", "PHASE", "AGE", "WAY", "FROM→TO", "NOTE"});
        for (JsonNode s : sagas) {
            // every field is the engine's answer, and the reasons quote tools' output: shown escaped, and measured so
            rows.add(Stream.of(
                            s.path("sagaId").asText(),
                            s.path("phase").asText(),
                            s.path("age").asText(),
                            s.path("way").asText(),
                            s.path("failing").asText() + "→"
                                    + s.path("survivor").asText(),
                            note(s))
                    .map(TerminalText::of)
                    .toArray(String[]::new));
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(pad(rows.get(r)[i], widths[i])).append("  ");
            }
            out.println((line + rows.get(r)[5]).stripTrailing());
            if (r > 0 && sagas.get(r - 1).path("current").asBoolean()) {
                out.println("    " + TerminalText.of(history(sagas.get(r - 1))));
            }
        }
        out.flush();
        return 0;
    }

    /** What a human should know first: why it is held or stuck, else why it began; and the VMs left down. */
    private static String note(JsonNode s) {
        String note = s.has("stuckBecause")
                ? s.path("stuckBecause").asText()
                : s.has("heldBecause")
                        ? s.path("heldBecause").asText()
                        : s.path("reason").asText();
        List<String> down = new ArrayList<>();
        s.path("leftDown").forEach(v -> down.add(v.asText()));
        return down.isEmpty() ? note : note + "; left down: " + String.join(", ", down);
    }

    /** "Degraded 2026-12-04 21:03:07 → Fencing 2026-12-04 21:03:09 → ... (UTC)": a saga may last days. */
    private String history(JsonNode s) {
        DateTimeFormatter time =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone);
        List<String> visits = new ArrayList<>();
        for (JsonNode v : s.path("history")) {
            String at;
            try {
                at = time.format(Instant.parse(v.path("at").asText()));
            } catch (DateTimeParseException e) {
                at = v.path("at").asText();
            }
            visits.add(v.path("phase").asText() + " " + at);
        }
        return String.join(" → ", visits) + " (" + zone.getId() + ")";
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
