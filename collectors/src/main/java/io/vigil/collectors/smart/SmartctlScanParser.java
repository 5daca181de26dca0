package io.vigil.collectors.smart;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code smartctl --scan-open --json}: the drives smartctl found, each with the -d type
 * that reaches it ("sat", "nvme", "sat+megaraid,0" with "/dev/bus/0"). A drive that smartctl
 * could not open, or whose name or type is not safe to pass back to smartctl, is a problem.
 */
public final class SmartctlScanParser {
    private SmartctlScanParser() {}

    public static ParseResult<SmartDevice> parse(String source, String text) {
        ParseResult<JsonDocuments.Document> documents = JsonDocuments.read(source, text);
        List<SmartDevice> devices = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        for (JsonDocuments.Document document : documents.values()) {
            JsonNode list = document.root().path("devices");
            if (!document.root().has("devices") && !document.root().has("smartctl")) {
                problems.add(new ParseProblem(
                        source, document.line(), "", "not smartctl --scan-open output (no devices list)"));
                continue;
            }
            for (JsonNode entry : list) {
                String name = entry.path("name").asText("");
                Optional<String> type = entry.path("type").isTextual()
                        ? Optional.of(entry.path("type").asText())
                        : Optional.empty();
                if (entry.hasNonNull("open_error")) {
                    problems.add(new ParseProblem(
                            source,
                            document.line(),
                            name,
                            "smartctl could not open this device: "
                                    + entry.path("open_error").asText()));
                    continue;
                }
                try {
                    devices.add(new SmartDevice(name, type));
                } catch (IllegalArgumentException e) {
                    problems.add(new ParseProblem(source, document.line(), "", "device refused: " + e.getMessage()));
                }
            }
        }
        problems.addAll(documents.problems());
        return new ParseResult<>(devices, problems);
    }
}
