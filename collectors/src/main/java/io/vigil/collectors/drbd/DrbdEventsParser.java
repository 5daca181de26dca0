package io.vigil.collectors.drbd;

import io.vigil.collectors.drbd.DrbdUpdate.ConnectionUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.DeviceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.HelperUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.InitialStateDone;
import io.vigil.collectors.drbd.DrbdUpdate.PathUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.PeerDeviceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.RenameUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.ResourceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.SyncVerdict;
import io.vigil.collectors.drbd.DrbdUpdate.Verb;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.Name;
import io.vigil.events.ReplicationState;
import io.vigil.events.WireEnum;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the lines of {@code drbdsetup events2} ({@code [--timestamps] [--statistics]
 * [--now] [--full]}) into {@link DrbdUpdate}s: DRBD 9's, and DRBD 8.4's as drbd-utils 8.9.x prints
 * them (one peer, {@code conn-name:peer}, before 8.9.9 without {@code peer-node-id:}). Every state word is parsed into the events enums
 * here, once; a word outside DRBD's vocabulary, a hostile name or a garbled line becomes a
 * {@link ParseProblem} with its line number, and the line is dropped whole (a half-read line
 * would merge half a state). Keys this parser does not know are skipped, so a newer drbdsetup
 * that adds fields still parses.
 *
 * <p>Units, as drbd-utils prints them: sizes, read/written, sent/received and out-of-sync are
 * KiB; {@code ap-in-flight}/{@code rs-in-flight} are 512-byte sectors; {@code dbdt1} is MiB/s
 * (sectors per ms × 1000 / 2048); {@code eta} is seconds ({@code nan} while no rate is known).
 * All are converted to bytes and bytes per second.
 *
 * <p>Not supported, and reported as such on every line: {@code --diff} ({@code old->new}
 * values) and {@code --color} (ANSI escapes); the agent never runs them.
 */
public final class DrbdEventsParser {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+");
    /** A path address as DRBD prints it: "ipv4:10.0.0.2:7789", "ipv6:[fd00::2]:7789". */
    private static final Pattern ADDRESS = Pattern.compile("[a-z0-9]{2,8}:[0-9A-Za-z.:\\[\\]%_-]{1,80}");

    private static final Set<String> SUSPEND_REASONS = Set.of("user", "no-data", "fencing", "quorum");
    private static final Set<String> RESYNC_SUSPEND_REASONS = Set.of("user", "peer", "dependency", "max-parallel");
    private static final double MIB = 1024.0 * 1024.0;
    /** The node id of DRBD 8.4's single peer, whose lines carry none (see {@link #peerNodeId}). */
    private static final int DRBD84_PEER_NODE_ID = 0;

    private DrbdEventsParser() {}

    /** Parses a whole captured output; line numbers are 1-based. */
    public static ParseResult<DrbdUpdate> parse(String source, String text) {
        List<DrbdUpdate> values = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            ParseResult<DrbdUpdate> one = parseLine(source, i + 1, lines[i]);
            values.addAll(one.values());
            problems.addAll(one.problems());
        }
        return new ParseResult<>(values, problems);
    }

    /** Parses one line; a blank line yields nothing and no problem. */
    public static ParseResult<DrbdUpdate> parseLine(String source, int lineNumber, String rawLine) {
        String line = rawLine.endsWith("\r") ? rawLine.substring(0, rawLine.length() - 1) : rawLine;
        if (line.isBlank()) {
            return ParseResult.of(List.of());
        }
        try {
            return ParseResult.of(List.of(read(line)));
        } catch (LineProblem problem) {
            return ParseResult.failed(new ParseProblem(source, lineNumber, line, problem.getMessage()));
        }
    }

    /**
     * The DrbdResource events the agent would publish for this captured output: one snapshot of
     * every resource at {@code exists -}, then one per update that changed a resource. Output
     * without an {@code exists -} marker (a bare stream of changes) still yields its snapshots,
     * from its first update on.
     */
    public static ParseResult<Body> toEvents(String source, String text) {
        ParseResult<DrbdUpdate> parsed = parse(source, text);
        DrbdStateModel model = new DrbdStateModel();
        boolean hasMarker = parsed.values().stream().anyMatch(u -> u instanceof InitialStateDone);
        if (!hasMarker) {
            model.apply(new InitialStateDone(Optional.empty()));
        }
        List<Body> events = new ArrayList<>();
        for (DrbdUpdate update : parsed.values()) {
            events.addAll(model.apply(update));
        }
        List<ParseProblem> problems = new ArrayList<>(parsed.problems());
        if (parsed.values().isEmpty() && problems.isEmpty()) {
            problems.add(new ParseProblem(source, 0, "", "no drbdsetup events2 lines found"));
        }
        return new ParseResult<>(events, problems);
    }

    /** The resource a raw line names, for log lines about lines that could not be read. */
    static Optional<String> resourceOf(String line) {
        for (String token : line.trim().split("\\s+")) {
            if (token.startsWith("name:")) {
                return Optional.of(Name.printable(token.substring(5)));
            }
        }
        return Optional.empty();
    }

    private static DrbdUpdate read(String line) throws LineProblem {
        if (line.indexOf('\u001b') >= 0) {
            throw new LineProblem(
                    "ANSI colour escapes (drbdsetup events2 --color) are not supported; run it without --color");
        }
        String[] tokens = line.trim().split("[ \\t]+");
        int first = 0;
        Optional<OffsetDateTime> timestamp = Optional.empty();
        if (TIMESTAMP.matcher(tokens[0]).matches()) {
            try {
                timestamp = Optional.of(OffsetDateTime.parse(tokens[0]));
            } catch (DateTimeParseException e) {
                throw new LineProblem("'" + Name.printable(tokens[0]) + "' is not an ISO-8601 timestamp with offset");
            }
            first = 1;
        }
        final int at = first;
        if (tokens.length < at + 2) {
            throw new LineProblem("truncated line: expected '<verb> <object> name:...'");
        }
        Verb verb = Verb.of(tokens[at])
                .orElseThrow(() -> new LineProblem("'" + Name.printable(tokens[at])
                        + "' is not an events2 verb (exists, create, change, destroy, call, response, rename)"));
        String object = tokens[at + 1];
        if (verb == Verb.EXISTS && object.equals("-")) {
            if (tokens.length > at + 2) {
                throw new LineProblem("unexpected text after 'exists -'");
            }
            return new InitialStateDone(timestamp);
        }
        Fields f = Fields.of(tokens, at + 2);
        String resource = f.name("name", "resource name");
        return switch (object) {
            case "resource" ->
                verb == Verb.RENAME
                        ? new RenameUpdate(timestamp, resource, f.name("new_name", "new resource name"))
                        : resource(verb, timestamp, resource, f);
            case "device" -> device(verb, timestamp, resource, f);
            case "connection" -> connection(verb, timestamp, resource, f);
            case "peer-device" -> peerDevice(verb, timestamp, resource, f);
            case "path" -> path(verb, timestamp, resource, f);
            case "helper" -> helper(verb, timestamp, resource, f);
            default ->
                throw new LineProblem("'" + Name.printable(object)
                        + "' is not an events2 object (resource, device, connection, peer-device, path, helper)");
        };
    }

    private static DrbdUpdate resource(Verb verb, Optional<OffsetDateTime> at, String resource, Fields f)
            throws LineProblem {
        return new ResourceUpdate(
                verb,
                at,
                resource,
                f.word("role", DrbdRole.class),
                f.reasons("suspended", SUSPEND_REASONS),
                f.yesNo("may_promote"),
                f.integer("promotion_score"));
    }

    private static DrbdUpdate device(Verb verb, Optional<OffsetDateTime> at, String resource, Fields f)
            throws LineProblem {
        int volume = f.required("volume", f.integer("volume"));
        Optional<Integer> minor = f.integer("minor");
        return new DeviceUpdate(
                verb,
                at,
                resource,
                volume,
                minor.map(OptionalInt::of).orElse(OptionalInt.empty()),
                f.word("disk", DiskState.class),
                f.yesNoUnknown("client"),
                f.yesNo("quorum"),
                f.kibibytes("size"),
                f.kibibytes("read"),
                f.kibibytes("written"),
                f.count("upper-pending"),
                f.count("lower-pending"));
    }

    private static DrbdUpdate connection(Verb verb, Optional<OffsetDateTime> at, String resource, Fields f)
            throws LineProblem {
        String peer = f.name("conn-name", "connection name");
        int peerNodeId = peerNodeId(f);
        Optional<SyncVerdict> verdict = Optional.empty();
        Optional<String> syncState = f.raw("sync-state");
        if (syncState.isPresent()) {
            verdict = Optional.of(SyncVerdict.of(syncState.get())
                    .orElseThrow(() -> new LineProblem(
                            "sync-state: '" + Name.printable(syncState.get()) + "' is not SplitBrain or Unrelated")));
        }
        return new ConnectionUpdate(
                verb,
                at,
                resource,
                peerNodeId,
                peer,
                f.word("connection", ConnectionState.class),
                f.word("role", DrbdRole.class),
                f.yesNo("congested"),
                f.count("ap-in-flight").map(sectors -> sectors * 512),
                f.count("rs-in-flight").map(sectors -> sectors * 512),
                verdict);
    }

    private static DrbdUpdate peerDevice(Verb verb, Optional<OffsetDateTime> at, String resource, Fields f)
            throws LineProblem {
        String peer = f.name("conn-name", "connection name");
        int peerNodeId = peerNodeId(f);
        int volume = f.required("volume", f.integer("volume"));
        return new PeerDeviceUpdate(
                verb,
                at,
                resource,
                peerNodeId,
                peer,
                volume,
                f.word("replication", ReplicationState.class),
                f.word("peer-disk", DiskState.class),
                f.yesNoUnknown("peer-client"),
                f.reasons("resync-suspended", RESYNC_SUSPEND_REASONS),
                f.kibibytes("out-of-sync"),
                f.count("pending"),
                f.count("unacked"),
                f.kibibytes("sent"),
                f.kibibytes("received"),
                f.decimal("done"),
                f.decimal("eta"),
                f.decimal("dbdt1").map(mibPerSecond -> mibPerSecond * MIB));
    }

    private static DrbdUpdate path(Verb verb, Optional<OffsetDateTime> at, String resource, Fields f)
            throws LineProblem {
        String peer = f.name("conn-name", "connection name");
        int peerNodeId = peerNodeId(f);
        return new PathUpdate(
                verb, at, resource, peerNodeId, peer, f.address("local"), f.address("peer"), f.yesNo("established"));
    }

    /**
     * The peer's node id; a line that names its connection but gives no id is DRBD 8.4's, as
     * drbd-utils 8.9.3 to 8.9.8 print it. DRBD 8.4 has one peer per resource, so any fixed id is
     * stable; 0 is the one drbd-utils 8.9.9 and later print for the same kernel (commit 21ed2f4f,
     * "events2, v84: print fake peer-node-id"), so upgrading drbd-utils does not change what is published.
     */
    private static int peerNodeId(Fields f) throws LineProblem {
        return f.integer("peer-node-id").orElse(DRBD84_PEER_NODE_ID);
    }

    private static DrbdUpdate helper(Verb verb, Optional<OffsetDateTime> at, String resource, Fields f)
            throws LineProblem {
        if (verb != Verb.CALL && verb != Verb.RESPONSE) {
            throw new LineProblem("a helper line must be 'call' or 'response', not '" + verb.word() + "'");
        }
        Optional<String> peer =
                f.raw("conn-name").isPresent() ? Optional.of(f.name("conn-name", "connection name")) : Optional.empty();
        String helper = f.raw("helper").orElseThrow(() -> new LineProblem("helper: missing"));
        if (!Name.isValid(helper)) {
            throw new LineProblem("helper: '" + Name.printable(helper) + "' is not a valid helper name");
        }
        Optional<Integer> status = f.integer("status");
        if (verb == Verb.RESPONSE && status.isEmpty()) {
            throw new LineProblem("status: missing on a helper response");
        }
        return new HelperUpdate(
                verb,
                at,
                resource,
                optionalInt(f.integer("peer-node-id")),
                peer,
                optionalInt(f.integer("volume")),
                optionalInt(f.integer("minor")),
                helper,
                optionalInt(status));
    }

    private static OptionalInt optionalInt(Optional<Integer> value) {
        return value.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /** The key:value pairs of one line, in order. */
    private record Fields(Map<String, String> values) {
        static Fields of(String[] tokens, int from) throws LineProblem {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = from; i < tokens.length; i++) {
                String token = tokens[i];
                int colon = token.indexOf(':');
                if (colon <= 0) {
                    throw new LineProblem("'" + Name.printable(token) + "' is not a key:value field (truncated line?)");
                }
                String key = token.substring(0, colon);
                String value = token.substring(colon + 1);
                if (value.contains("->")) {
                    throw new LineProblem(
                            "'old->new' values (drbdsetup events2 --diff) are not supported; run it without --diff");
                }
                if (values.putIfAbsent(key, value) != null) {
                    throw new LineProblem("field '" + Name.printable(key) + "' appears twice");
                }
            }
            return new Fields(values);
        }

        Optional<String> raw(String key) {
            return Optional.ofNullable(values.get(key));
        }

        <T> T required(String key, Optional<T> value) throws LineProblem {
            return value.orElseThrow(() -> new LineProblem(key + ": missing (truncated line?)"));
        }

        String name(String key, String what) throws LineProblem {
            String value = required(key, raw(key));
            if (!Name.isValid(value)) {
                throw new LineProblem(key + ": '" + Name.printable(value) + "' is not a valid " + what
                        + " (letters, digits and _ . + : -, not starting with '-' or '.')");
            }
            return value;
        }

        <E extends Enum<E> & WireEnum> Optional<E> word(String key, Class<E> type) throws LineProblem {
            Optional<String> value = raw(key);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(WireEnum.parse(type, value.get()));
            } catch (IllegalArgumentException e) {
                throw new LineProblem(key + ": " + e.getMessage());
            }
        }

        Optional<Boolean> yesNo(String key) throws LineProblem {
            Optional<String> value = raw(key);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            return switch (value.get()) {
                case "yes" -> Optional.of(true);
                case "no" -> Optional.of(false);
                default -> throw new LineProblem(key + ": '" + Name.printable(value.get()) + "' is not yes or no");
            };
        }

        /** drbdsetup prints "unknown" where an older kernel does not say; read as "no". */
        Optional<Boolean> yesNoUnknown(String key) throws LineProblem {
            if (raw(key).filter("unknown"::equals).isPresent()) {
                return Optional.of(false);
            }
            return yesNo(key);
        }

        /** "no", or a comma-separated list of reasons ("user,quorum"): true when suspended. */
        Optional<Boolean> reasons(String key, Set<String> known) throws LineProblem {
            Optional<String> value = raw(key);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (value.get().equals("no")) {
                return Optional.of(false);
            }
            for (String reason : value.get().split(",", -1)) {
                if (!known.contains(reason)) {
                    throw new LineProblem(key + ": '" + Name.printable(reason) + "' is not a reason DRBD reports ("
                            + "no, or some of " + known.stream().sorted().toList() + ")");
                }
            }
            return Optional.of(true);
        }

        Optional<Integer> integer(String key) throws LineProblem {
            Optional<String> value = raw(key);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(Integer.parseInt(value.get()));
            } catch (NumberFormatException e) {
                throw new LineProblem(key + ": '" + Name.printable(value.get()) + "' is not a whole number");
            }
        }

        Optional<Long> count(String key) throws LineProblem {
            Optional<String> value = raw(key);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            try {
                long n = Long.parseLong(value.get());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return Optional.of(n);
            } catch (NumberFormatException e) {
                throw new LineProblem(
                        key + ": '" + Name.printable(value.get()) + "' is not a non-negative whole number");
            }
        }

        Optional<Long> kibibytes(String key) throws LineProblem {
            Optional<Long> kib = count(key);
            if (kib.isPresent() && kib.get() > Long.MAX_VALUE / 1024) {
                throw new LineProblem(key + ": " + kib.get() + " KiB is out of range");
            }
            return kib.map(n -> n * 1024);
        }

        /** A decimal; "nan"/"-nan" (what drbdsetup prints for an unknown eta) reads as absent. */
        Optional<Double> decimal(String key) throws LineProblem {
            Optional<String> value = raw(key);
            if (value.isEmpty()
                    || value.get().equalsIgnoreCase("nan")
                    || value.get().equalsIgnoreCase("-nan")) {
                return Optional.empty();
            }
            try {
                double d = Double.parseDouble(value.get());
                if (!Double.isFinite(d) || value.get().matches(".*[^0-9.eE+-].*")) {
                    throw new NumberFormatException();
                }
                return Optional.of(d);
            } catch (NumberFormatException e) {
                throw new LineProblem(key + ": '" + Name.printable(value.get()) + "' is not a number");
            }
        }

        String address(String key) throws LineProblem {
            String value = required(key, raw(key));
            if (!ADDRESS.matcher(value).matches()) {
                throw new LineProblem(
                        key + ": '" + Name.printable(value) + "' is not a DRBD path address (ipv4:10.0.0.2:7789)");
            }
            return value;
        }
    }

    /** Why one line could not be read; caught per line, never escapes the parser. */
    private static final class LineProblem extends Exception {
        LineProblem(String message) {
            super(message, null, false, false);
        }
    }
}
