package io.vigil.collectors.drbd;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DeviceStatistics;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.Name;
import io.vigil.events.ReplicationState;
import io.vigil.events.WireEnum;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code /proc/drbd} of DRBD 8.0, 8.3 and 8.4 (DRBD 9 prints only its version and transports there).
 * One minor per block: {@code cs:} (folded into a DRBD 9 connection state plus a replication
 * state), {@code st:}/{@code ro:} roles, {@code ds:} disks, the I/O flags, the counters line
 * (ns/nr/dw/dr/oos in KiB, lo/pe/ua/ap as request counts) and, while syncing, the progress and
 * {@code finish:}/{@code speed:} lines. {@code cs:Unconfigured} minors carry no resource and are
 * skipped. A minor whose {@code cs:} line cannot be read is reported with its line number and
 * dropped (there is no state to publish); a detail line under it that is not understood is
 * reported and skipped, and the minor is kept. NUL bytes (seen in real 8.3 output) count as blanks.
 * A DRBD 9 /proc/drbd, which lists no devices, is reported with a hint to read drbdsetup events2.
 *
 * <p>/proc/drbd has minors, not resource names: the probe maps them with {@link MinorNames}
 * ({@code drbdadm sh-resources} and {@code sh-minor}); where no mapping is known a minor is
 * published as resource {@code minor-N}. DRBD 8 has one peer without a name or node id: its
 * connection is published as peer {@code "peer"} with node id -1, without paths. There is no
 * split-brain helper in this file; {@code splitBrain} is always false here.
 */
public final class ProcDrbdParser {
    /** The name DRBD 8's single, unnamed peer is published under. */
    public static final String PEER = "peer";

    private static final Pattern MINOR = Pattern.compile("\\s*(\\d+):\\s+cs:(\\S+)(.*)");
    private static final Pattern VERSION = Pattern.compile("version:\\s*(\\d+)\\..*");
    // The detail lines drbd_proc.c prints under a minor, DRBD 8.0 to 8.4 (see readsEveryProgressLineDrbd80To84Print).
    // The progress bar: "sync'ed:" ("verified:" for online verify, "synced:" accepted too), done %, (left/total)K or M.
    private static final Pattern PROGRESS = Pattern.compile(
            "(?:\\[[=>.]*\\]\\s*)?(?:sync'ed|synced|verified):\\s*(\\d{1,3}(?:\\.\\d+)?)%\\s*(?:\\(\\d+/\\d+\\)[KM])?");
    // "finish: H:MM:SS speed: NOW (MEAN) [want: RATE] K/sec [(stalled)]"; with proc_details "(RECENT -- MEAN)"
    private static final Pattern FINISH = Pattern.compile("finish:\\s*(\\d+):(\\d\\d):(\\d\\d)\\s+speed:\\s*([0-9,]+)"
            + "\\s*\\([0-9,]+(?:\\s*--\\s*[0-9,]+)?\\)(?:\\s*want:\\s*[0-9,]+)?\\s*K/sec(?:\\s*\\(stalled\\))?");
    // Before 8.3.9 a stalled resync printed this word in place of the finish line.
    private static final Pattern STALLED = Pattern.compile("stalled");
    // After the bar, from 223ab178 (8.3.8) until 68e98f8c: a SyncTarget's " queue_delay: 0.9 ms" (".900 ms" after
    // d4304e59), a SyncSource's " delay_probe: 145637" (until d4304e59); figures of the resync controller, not of the
    // event
    private static final Pattern RESYNC_DELAY =
            Pattern.compile("^(?:delay_probe:\\s*\\d+|queue_delay:\\s*\\d+\\.\\d+\\s*ms)");
    // Online verify in 8.3.8 and 8.3.9: "NN%      done/total", no bar.
    private static final Pattern OLD_VERIFY = Pattern.compile("(\\d{1,3})%\\s+\\d+/\\d+");
    // proc_details: the position of resync or verify, which the bar already tells.
    private static final Pattern SECTOR_POS =
            Pattern.compile("\\d{1,3}%\\s+sector pos:\\s*\\d+/\\d+(?:\\s+stop sector:\\s*\\d+)?");
    private static final Pattern COUNTERS = Pattern.compile("(?:[a-z]{2,3}:\\S+\\s*)+");

    private ProcDrbdParser() {}

    /**
     * One configured minor as /proc/drbd shows it; sizes in bytes, rate in bytes per second. A
     * counter its lines did not give is empty (DRBD 8.0 prints no {@code oos:}; a counters line that
     * was not understood gives none): unknown, never 0.
     */
    public record Minor(
            int minor,
            ConnectionState connection,
            ReplicationState replication,
            DrbdRole role,
            DrbdRole peerRole,
            DiskState disk,
            DiskState peerDisk,
            boolean suspended,
            boolean resyncSuspended,
            boolean congested,
            Optional<Long> sentBytes,
            Optional<Long> receivedBytes,
            Optional<Long> writtenBytes,
            Optional<Long> readBytes,
            Optional<Long> lowerPending,
            Optional<Long> pending,
            Optional<Long> unacked,
            Optional<Long> upperPending,
            Optional<Long> outOfSyncBytes,
            Optional<Double> donePercent,
            Optional<Double> etaSeconds,
            Optional<Double> rateBytesPerSecond) {}

    /** Which resource and volume a minor belongs to. */
    public record MinorName(String resource, int volume) {
        public MinorName {
            Name.check("resource", resource);
        }

        static MinorName fallback(int minor) {
            return new MinorName("minor-" + minor, 0);
        }
    }

    public static ParseResult<Minor> parse(String source, String text) {
        List<Minor> minors = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        Block block = null;
        Optional<ParseProblem> drbd9 = Optional.empty();
        String[] lines = text.replace('\0', ' ').split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i];
            String trimmed = line.trim();
            Matcher version = VERSION.matcher(trimmed);
            if (version.matches() && Integer.parseInt(version.group(1)) >= 9) {
                drbd9 = Optional.of(
                        new ParseProblem(
                                source,
                                lineNumber,
                                trimmed,
                                "DRBD 9 lists no devices in /proc/drbd: "
                                        + "read its state from drbdsetup events2 (vigil parse drbd-events2; in agent.yaml, probes.drbd.version: 9)"));
            }
            // headers; DRBD 9 adds the loaded transports ("Transports (api:21): tcp (9.2.12)") and nothing else
            if (trimmed.isEmpty()
                    || trimmed.startsWith("version:")
                    || trimmed.startsWith("GIT-hash:")
                    || trimmed.startsWith("srcversion:")
                    || trimmed.startsWith("Transports (")) {
                continue;
            }
            Matcher m = MINOR.matcher(line);
            if (m.matches()) {
                finish(block, minors);
                try {
                    block = m.group(2).equals("Unconfigured")
                            ? null
                            : Block.start(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
                } catch (BlockProblem | NumberFormatException e) {
                    // without its states there is nothing to publish for this minor
                    String message =
                            e instanceof BlockProblem ? e.getMessage() : "not a minor number (" + e.getMessage() + ")";
                    problems.add(new ParseProblem(source, lineNumber, line, message));
                    block = null;
                }
            } else if (Character.isWhitespace(line.charAt(0)) && block == null) {
                continue; // detail of an unconfigured or already rejected minor
            } else {
                try {
                    if (!Character.isWhitespace(line.charAt(0))) {
                        throw new BlockProblem(
                                "not a /proc/drbd line (expected ' N: cs:...' or an indented detail line)");
                    }
                    block.detail(trimmed);
                } catch (BlockProblem e) {
                    // one line DRBD printed that is not understood costs that line, never the minor it sits in
                    String where = block != null ? "minor " + block.minor + ": line skipped, the minor is kept: " : "";
                    problems.add(new ParseProblem(source, lineNumber, line, where + e.getMessage()));
                }
            }
        }
        finish(block, minors);
        if (minors.isEmpty() && problems.isEmpty()) {
            drbd9.ifPresent(problems::add);
            if (drbd9.isEmpty() && !text.contains("version:")) {
                problems.add(new ParseProblem(source, 0, "", "no /proc/drbd content found"));
            }
        }
        return new ParseResult<>(minors, problems);
    }

    /** The DrbdResource events for one read of /proc/drbd, minors named by {@code names} (else {@code minor-N}). */
    public static List<DrbdResource> toResources(List<Minor> minors, Map<Integer, MinorName> names) {
        Map<String, List<Minor>> byResource = new LinkedHashMap<>();
        Map<Integer, Integer> volumes = new HashMap<>();
        for (Minor minor : minors) {
            MinorName name = names.getOrDefault(minor.minor(), MinorName.fallback(minor.minor()));
            volumes.put(minor.minor(), name.volume());
            byResource.computeIfAbsent(name.resource(), r -> new ArrayList<>()).add(minor);
        }
        List<DrbdResource> resources = new ArrayList<>();
        byResource.forEach((resource, group) -> {
            Minor first = group.get(0);
            List<DrbdDevice> devices = group.stream()
                    .map(m -> new DrbdDevice(
                            volumes.get(m.minor()), m.minor(), m.disk(), false, Optional.empty(), statistics(m)))
                    .toList();
            List<DrbdPeerDevice> peerDevices = group.stream()
                    .map(m -> new DrbdPeerDevice(
                            volumes.get(m.minor()),
                            m.replication(),
                            m.peerDisk(),
                            false,
                            m.resyncSuspended(),
                            m.outOfSyncBytes(),
                            m.pending(),
                            m.unacked(),
                            m.sentBytes(),
                            m.receivedBytes(),
                            m.donePercent(),
                            m.etaSeconds(),
                            m.rateBytesPerSecond()))
                    .toList();
            DrbdConnection connection = new DrbdConnection(
                    PEER,
                    -1,
                    first.connection(),
                    first.peerRole(),
                    group.stream().anyMatch(Minor::congested),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    peerDevices,
                    ReplicationLatency.UNMEASURED);
            resources.add(new DrbdResource(
                    resource,
                    first.role(),
                    group.stream().anyMatch(Minor::suspended),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    devices,
                    List.of(connection)));
        });
        return resources;
    }

    /** The I/O counters of a minor: none without dr:/dw:; /proc/drbd never tells the size. */
    private static Optional<DeviceStatistics> statistics(Minor m) {
        if (m.readBytes().isEmpty() || m.writtenBytes().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DeviceStatistics(
                Optional.empty(), m.readBytes().get(), m.writtenBytes().get(), m.upperPending(), m.lowerPending()));
    }

    /** What the agent would publish for this captured /proc/drbd, minors named {@code minor-N}. */
    public static ParseResult<Body> toEvents(String source, String text) {
        ParseResult<Minor> parsed = parse(source, text);
        return new ParseResult<>(List.copyOf(toResources(parsed.values(), Map.of())), parsed.problems());
    }

    private static void finish(Block block, List<Minor> minors) {
        if (block != null) {
            minors.add(block.toMinor());
        }
    }

    /** The lines of one minor, read so far. */
    private static final class Block {
        final int minor;
        ConnectionState connection;
        ReplicationState replication;
        DrbdRole role = DrbdRole.UNKNOWN;
        DrbdRole peerRole = DrbdRole.UNKNOWN;
        DiskState disk = DiskState.DUNKNOWN;
        DiskState peerDisk = DiskState.DUNKNOWN;
        boolean suspended;
        boolean resyncSuspended;
        boolean congested;
        final Map<String, Long> counters = new HashMap<>();
        Optional<Double> done = Optional.empty();
        Optional<Double> eta = Optional.empty();
        Optional<Double> rate = Optional.empty();

        Block(int minor) {
            this.minor = minor;
        }

        static Block start(int minor, String cs, String rest) throws BlockProblem {
            Block b = new Block(minor);
            b.connectionState(cs);
            boolean sawRoles = false;
            boolean sawDisks = false;
            for (String token : rest.trim().split("\\s+")) {
                if (token.isEmpty()) {
                    continue;
                }
                if (token.startsWith("ro:") || token.startsWith("st:")) {
                    String[] pair = pair(token);
                    b.role = word("role", DrbdRole.class, pair[0]);
                    b.peerRole = word("peer role", DrbdRole.class, pair[1]);
                    sawRoles = true;
                } else if (token.startsWith("ds:")) {
                    String[] pair = pair(token);
                    b.disk = word("disk", DiskState.class, pair[0]);
                    b.peerDisk = word("peer disk", DiskState.class, pair[1]);
                    sawDisks = true;
                } else if (token.startsWith("ld:")) {
                    throw new BlockProblem(
                            "'ld:' (local data) is DRBD 0.7's field: /proc/drbd is read for DRBD 8.0 to 8.4"
                                    + " (DRBD 9 through drbdsetup events2); DRBD 0.7 is not supported");
                } else if (token.matches("[A-C]")) {
                    continue; // the replication protocol
                } else if (token.matches("[rs][-a-z]{3,7}")) {
                    // s/r: I/O suspended; a, p, u: resync paused (dependency, peer, user); n: network congested
                    b.suspended = token.charAt(0) == 's';
                    b.resyncSuspended = token.substring(1, 4).chars().anyMatch(c -> c != '-');
                    b.congested = token.length() > 4 && token.charAt(4) == 'n';
                } else {
                    throw new BlockProblem("'" + Name.printable(token) + "' is not a role, disk or flag field");
                }
            }
            if (!sawRoles || !sawDisks) {
                throw new BlockProblem(
                        "minor " + minor + ": truncated line, missing " + (sawRoles ? "ds:" : "ro:/st:"));
            }
            return b;
        }

        private void connectionState(String cs) throws BlockProblem {
            switch (cs) {
                case "Connected", "SkippedSyncS", "SkippedSyncT" -> {
                    connection = ConnectionState.CONNECTED;
                    replication = ReplicationState.ESTABLISHED;
                }
                case "WFConnection", "WFReportParams" -> {
                    connection = ConnectionState.CONNECTING;
                    replication = ReplicationState.OFF;
                }
                default -> {
                    Optional<ConnectionState> c = WireEnum.lookup(ConnectionState.class, cs);
                    Optional<ReplicationState> r = WireEnum.lookup(ReplicationState.class, cs);
                    if (c.isPresent()) {
                        connection = c.get();
                        replication = ReplicationState.OFF;
                    } else if (r.isPresent()) {
                        connection = ConnectionState.CONNECTED;
                        replication = r.get();
                    } else {
                        throw new BlockProblem("cs: '" + Name.printable(cs) + "' is not a DRBD 8 connection state");
                    }
                }
            }
        }

        /** One indented line under the minor's cs: line, trimmed; throws when DRBD 8 prints no such line. */
        void detail(String line) throws BlockProblem {
            if (line.startsWith("resync:")
                    || line.startsWith("act_log:")
                    || line.startsWith("blocked on activity log:")
                    || SECTOR_POS.matcher(line).matches()) {
                return; // LRU statistics and positions of proc_details: not part of the event
            }
            Matcher progress = PROGRESS.matcher(line);
            Matcher finish = FINISH.matcher(line);
            Matcher oldVerify = OLD_VERIFY.matcher(line);
            if (progress.lookingAt()) {
                String rest = RESYNC_DELAY
                        .matcher(line.substring(progress.end()).trim())
                        .replaceFirst("")
                        .trim();
                // kernels around 2.6.39 lost the line break, running the finish line into this one;
                // read it first, so a line that cannot be read changes nothing
                if (!rest.isEmpty()) {
                    detail(rest);
                }
                done = Optional.of(Double.parseDouble(progress.group(1)));
            } else if (finish.matches()) {
                eta = Optional.of(Integer.parseInt(finish.group(1)) * 3600.0
                        + Integer.parseInt(finish.group(2)) * 60.0
                        + Integer.parseInt(finish.group(3)));
                // the first figure is the current rate; the bracketed ones are averages, want: the configured rate
                rate = Optional.of(Long.parseLong(finish.group(4).replace(",", "")) * 1024.0);
            } else if (STALLED.matcher(line).matches()) {
                eta = Optional.empty();
                rate = Optional.empty();
            } else if (oldVerify.matches()) {
                done = Optional.of(Double.parseDouble(oldVerify.group(1)));
            } else if (COUNTERS.matcher(line).matches()) {
                counters(line);
            } else {
                throw new BlockProblem("not a line DRBD 8.0 to 8.4 print under a minor");
            }
        }

        /** "ns:0 nr:460288 ... wo:f oos:588416": read whole or not at all (half a line would mix old and new). */
        private void counters(String line) throws BlockProblem {
            Map<String, Long> read = new HashMap<>();
            for (String token : line.split("\\s+")) {
                int colon = token.indexOf(':');
                String key = token.substring(0, colon);
                String value = token.substring(colon + 1);
                if (key.equals("wo")) {
                    continue; // write ordering method, a letter
                }
                try {
                    read.put(key, Math.max(0, Long.parseLong(value)));
                } catch (NumberFormatException e) {
                    throw new BlockProblem(key + ": '" + Name.printable(value) + "' is not a number");
                }
            }
            counters.putAll(read);
        }

        Minor toMinor() {
            return new Minor(
                    minor,
                    connection,
                    replication,
                    role,
                    peerRole,
                    disk,
                    peerDisk,
                    suspended,
                    resyncSuspended,
                    congested,
                    kibibytes("ns"),
                    kibibytes("nr"),
                    kibibytes("dw"),
                    kibibytes("dr"),
                    counter("lo"),
                    counter("pe"),
                    counter("ua"),
                    counter("ap"),
                    kibibytes("oos"),
                    done,
                    eta,
                    rate);
        }

        /**
         * A counter this minor's lines did not give (DRBD 8.0 prints no oos:, a skipped counters line
         * gives none) is unknown: empty, never 0.
         */
        private Optional<Long> counter(String key) {
            return Optional.ofNullable(counters.get(key));
        }

        private Optional<Long> kibibytes(String key) {
            return counter(key).map(k -> k * 1024);
        }

        private static String[] pair(String token) throws BlockProblem {
            String[] pair = token.substring(3).split("/", -1);
            if (pair.length != 2) {
                throw new BlockProblem("'" + Name.printable(token) + "' is not a local/peer pair");
            }
            return pair;
        }

        private static <E extends Enum<E> & WireEnum> E word(String what, Class<E> type, String word)
                throws BlockProblem {
            try {
                return WireEnum.parse(type, word);
            } catch (IllegalArgumentException e) {
                throw new BlockProblem(what + ": " + e.getMessage());
            }
        }
    }

    private static final class BlockProblem extends Exception {
        BlockProblem(String message) {
            super(message, null, false, false);
        }
    }
}
