package io.vigil.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.EnvelopeCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** "What did the agent make of this?": captured tool output in, the events the agent would publish out. */
@Command(
        name = "parse",
        mixinStandardHelpOptions = true,
        description = {
            "Prints, as JSON lines, the events the agent would publish for a captured tool output.",
            "Lines it cannot read are reported on stderr with their line number; the rest is still parsed.",
            "Exits 1 when nothing could be read; output that lists nothing (no resource, no domain) exits 0."
        },
        footer = {
            "",
            "KIND is one of: drbd-events2, proc-drbd, smartctl, lvs, vgs, virsh-list, xl-list.",
            "Example: drbdsetup events2 --now --statistics > now.txt; vigil parse drbd-events2 now.txt"
        })
final class ParseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "which tool printed FILE")
    String kind;

    @Parameters(index = "1", paramLabel = "FILE", description = "the captured output, or - for standard input")
    String file;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ParseKind parseKind;
        try {
            parseKind = ParseKind.of(kind);
        } catch (IllegalArgumentException e) {
            err.println("vigil parse: " + e.getMessage());
            return 2;
        }
        String text;
        try {
            text = "-".equals(file)
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println("vigil parse: " + file + ": no such file");
            return 2;
        } catch (java.nio.charset.MalformedInputException e) {
            text = new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
        }
        String source = "-".equals(file) ? "stdin" : file;
        ParseResult<Body> result = parseKind.parse(source, text);
        for (Body body : result.values()) {
            ObjectNode line = EnvelopeCodec.json().createObjectNode();
            line.put("kind", body.kind().wire());
            line.set("body", EnvelopeCodec.json().valueToTree(body));
            out.println(EnvelopeCodec.json().writeValueAsString(line));
        }
        out.flush();
        for (ParseProblem problem : result.problems()) {
            err.println(problem);
        }
        err.flush();
        if (result.values().isEmpty() && !result.clean()) {
            err.println("vigil parse: nothing in " + source + " could be read as " + parseKind.tool + " output");
            return 1;
        }
        if (result.values().isEmpty()) {
            // read whole, and empty: a host with no resource, domain or guest is a reading, not a failure
            err.println("vigil parse: " + source + " was read and lists nothing to publish (" + parseKind.tool
                    + " output with no entry)");
        }
        return 0;
    }
}
