package io.vigil.collectors.vm;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.Name;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code virsh list --all}: a header, a rule of dashes, then one row per domain with its
 * id ("-" when it is not running), its name and its state, which may be two words ("shut off",
 * "in shutdown"). A row that cannot be read, or names a domain with an unsafe name, is a problem.
 */
public final class VirshListParser {
    private static final Pattern HEADER = Pattern.compile("\\s*Id\\s+Name\\s+State\\s*");
    private static final Pattern RULE = Pattern.compile("\\s*-+\\s*");
    private static final Pattern ID = Pattern.compile("-|\\d{1,9}");

    /** One row: the id is empty for a domain that is not running. */
    public record Domain(Optional<Integer> id, String name, VmState state) {
        public Domain {
            Name.check("vm", name);
        }
    }

    private VirshListParser() {}

    public static ParseResult<Domain> parse(String source, String text) {
        List<Domain> domains = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        boolean sawHeader = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripTrailing();
            if (line.isBlank() || RULE.matcher(line).matches()) {
                continue;
            }
            if (HEADER.matcher(line).matches()) {
                sawHeader = true;
                continue;
            }
            try {
                domains.add(row(line.strip()));
            } catch (IllegalArgumentException e) {
                problems.add(new ParseProblem(source, i + 1, line, e.getMessage()));
            }
        }
        if (!sawHeader && domains.isEmpty()) {
            problems.add(0, new ParseProblem(source, 0, "", "not virsh list output (no 'Id Name State' header)"));
        }
        return new ParseResult<>(domains, problems);
    }

    /**
     * The entry point of {@code vigil parse virsh-list FILE}: one VM event per row. The list
     * alone carries no uuid, memory or vCPUs (the probe adds those from dominfo), so they are
     * unknown: absent from the event, not 0.
     */
    public static ParseResult<Body> toEvents(String source, String text) {
        return parse(source, text)
                .map(d -> new VmStatus(
                        d.name(),
                        Optional.empty(),
                        Hypervisor.LIBVIRT,
                        d.state(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Liveness.NOT_CHECKED,
                        Optional.empty()));
    }

    private static Domain row(String row) {
        String[] first = row.split("\\s+", 2);
        if (first.length < 2 || !ID.matcher(first[0]).matches()) {
            throw new IllegalArgumentException("expected 'ID NAME STATE' with ID a number or '-'");
        }
        String rest = first[1];
        String word = VirshState.suffixOf(rest)
                .orElseThrow(
                        () -> new IllegalArgumentException(
                                "unknown domain state at the end of the row (expected one of running, idle, paused, in shutdown, shut off, crashed, pmsuspended, dying)"));
        String name = rest.substring(0, rest.length() - word.length()).strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("row has no domain name");
        }
        Optional<Integer> id = first[0].equals("-") ? Optional.empty() : Optional.of(Integer.parseInt(first[0]));
        return new Domain(id, name, VirshState.of(word).orElseThrow());
    }
}
