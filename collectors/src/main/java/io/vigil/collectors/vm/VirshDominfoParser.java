package io.vigil.collectors.vm;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Name;
import io.vigil.events.VmState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code virsh dominfo NAME}: "Key: value" lines, of which Name, State, CPU(s), Max memory
 * and Used memory (in KiB) are needed and UUID is kept; the others are ignored. A needed key that
 * is missing or unreadable is a problem naming the key, and then no domain is read.
 */
public final class VirshDominfoParser {
    private static final Pattern LINE = Pattern.compile("([A-Za-z][A-Za-z ()]*?):\\s*(.*)");
    private static final Pattern KIB = Pattern.compile("(\\d{1,15}) KiB");
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public record DomainInfo(
            String name, Optional<String> uuid, VmState state, int vcpus, long maxMemoryBytes, long usedMemoryBytes) {
        public DomainInfo {
            Name.check("vm", name);
        }
    }

    private VirshDominfoParser() {}

    public static ParseResult<DomainInfo> parse(String source, String text) {
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<ParseProblem> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                problems.add(new ParseProblem(source, i + 1, line, "expected 'Key: value'"));
                continue;
            }
            values.putIfAbsent(m.group(1), m.group(2).strip());
            lineOf.putIfAbsent(m.group(1), i + 1);
        }
        Field fields = new Field(source, values, lineOf, problems);
        String name = fields.get("Name", v -> Name.check("Name", v));
        VmState state = fields.get(
                "State", v -> VirshState.of(v).orElseThrow(() -> new IllegalArgumentException("unknown domain state")));
        Integer vcpus = fields.get("CPU(s)", Integer::parseInt);
        Long max = fields.get("Max memory", VirshDominfoParser::kib);
        Long used = fields.get("Used memory", VirshDominfoParser::kib);
        Optional<String> uuid = Optional.ofNullable(values.get("UUID"))
                .filter(u -> UUID.matcher(u).matches());
        if (name == null || state == null || vcpus == null || max == null || used == null) {
            return new ParseResult<>(List.of(), problems);
        }
        return new ParseResult<>(List.of(new DomainInfo(name, uuid, state, vcpus, max, used)), problems);
    }

    private static long kib(String value) {
        Matcher m = KIB.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size in KiB");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** Looks needed keys up, turning a missing or unreadable one into a problem that names it. */
    private record Field(
            String source, Map<String, String> values, Map<String, Integer> lineOf, List<ParseProblem> problems) {
        <T> T get(String key, java.util.function.Function<String, T> read) {
            String value = values.get(key);
            if (value == null) {
                problems.add(new ParseProblem(source, 0, "", "'" + key + ":' is missing (not virsh dominfo output?)"));
                return null;
            }
            try {
                return read.apply(value);
            } catch (IllegalArgumentException e) {
                problems.add(
                        new ParseProblem(source, lineOf.get(key), key + ": " + value, key + ": " + e.getMessage()));
                return null;
            }
        }
    }
}
