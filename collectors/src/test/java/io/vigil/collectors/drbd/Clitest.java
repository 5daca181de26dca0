package io.vigil.collectors.drbd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the drbd-utils test fixtures, which wrap real drbdsetup output in the clitest format:
 * a "$ command" line, the output, then the exit status ("0") printed by "; echo $?". The
 * --timestamps runs had their timestamps replaced by "TIME" (a sed in the test); {@link
 * Section#withTimestamps} puts real-shaped ones back.
 */
record Clitest(List<Section> sections) {

    record Section(String command, List<String> output) {
        String text() {
            return String.join("\n", output) + "\n";
        }

        /** The output with each "TIME" placeholder replaced by a drbdsetup timestamp, one microsecond apart. */
        String withTimestamps() {
            StringBuilder out = new StringBuilder();
            int n = 0;
            for (String line : output) {
                String stamp = String.format("2026-11-24T21:03:07.%06d+00:00", 412345 + n++);
                out.append(line.startsWith("TIME ") ? stamp + line.substring(4) : line)
                        .append('\n');
            }
            return out.toString();
        }
    }

    static String resource(String name) {
        try (InputStream in = Clitest.class.getResourceAsStream("/drbd/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource drbd/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Clitest read(String name) {
        List<Section> sections = new ArrayList<>();
        String command = null;
        List<String> output = new ArrayList<>();
        for (String line : resource(name).split("\n")) {
            if (line.startsWith("$ ")) {
                if (command != null) {
                    sections.add(close(command, output));
                }
                command = line.substring(2);
                output = new ArrayList<>();
            } else if (command != null) {
                output.add(line);
            }
        }
        if (command != null) {
            sections.add(close(command, output));
        }
        return new Clitest(sections);
    }

    private static Section close(String command, List<String> output) {
        // the last line is the exit status from "; echo $?"
        if (output.isEmpty() || !output.get(output.size() - 1).equals("0")) {
            throw new IllegalStateException("clitest section without exit status 0: " + command);
        }
        return new Section(command, List.copyOf(output.subList(0, output.size() - 1)));
    }

    /** The section of the run "drbdsetup events2" + options ("" for the plain run, " --statistics", ...). */
    Section run(String options) {
        String invocation = "events2" + options;
        List<Section> found = sections.stream()
                .filter(s ->
                        s.command().contains(invocation + ";") || s.command().contains(invocation + " |"))
                .toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one run of '" + invocation + "', found " + found.size());
        }
        return found.get(0);
    }
}
