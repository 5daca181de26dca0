package io.vigil.service.topology;

import io.vigil.events.Name;
import io.vigil.service.config.ByteSize;
import io.vigil.service.config.ConfigDocument;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigProblem;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.ConfigText;
import io.vigil.service.config.YamlTree.Entry;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.config.YamlTree.Sequence;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code /etc/vigil/topology.yaml} (deploy/topology.yaml documents it) and checks it whole,
 * as the agent's and the engine's configs are read: every problem at once, each with its line and
 * key path, unknown keys refused with the known ones named. The cross-references ClusterTopology
 * promises are checked here: two nodes, every home one of them, every VM under exactly one
 * resource and given its memory.
 */
public final class TopologyLoader {
    public static final long DEFAULT_RESERVE_BYTES = 512L << 20;
    public static final String DEFAULT_OFF_TEXT = "Chassis Power is off";
    public static final Duration DEFAULT_FENCE_TIMEOUT = Duration.ofSeconds(30);
    /** An absolute path, or a bare name looked up on PATH; never relative to wherever the executor runs. */
    private static final Pattern BARE_PROGRAM = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");
    /** The longest io.vigil.events.Name. */
    private static final int NAME_MAX = 128;
    /** The rest of an id: its four colons, the saga number (up to 10 digits), the longest step word (fb-disallow-two:) and the attempt: 33, with room to spare. */
    private static final int ID_OVERHEAD = 40;
    /** Programs that run a command given as text: as a fence command's argv[0] they bring the shell string back. */
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "env", "perl", "ruby");
    /** python, python3, python3.11 */
    private static final Pattern INTERPRETER = Pattern.compile("python[0-9.]*");

    private TopologyLoader() {}

    /** Reads {@code file}; problems name it as given. */
    public static TopologyFile load(Path file) throws ConfigException, IOException {
        return parse(file.toString(), ConfigText.read(file));
    }

    /** Reads topology text; {@code source} is how problems name it ("topology.yaml"). */
    public static TopologyFile parse(String source, String text) throws ConfigException {
        ConfigDocument document = ConfigDocument.parse(source, text, "clusters:");
        ConfigSection top = document.top();
        Map<String, Integer> lines = new HashMap<>();
        Map<String, ClusterTopology> clusters = new LinkedHashMap<>();
        if (top.entry("clusters").isEmpty()) {
            top.problem(0, "clusters", "missing (clusters: {pair-1: {nodes: ..., resources: ..., vms: ...}})");
        }
        ConfigSection section = top.section("clusters");
        lines.put("clusters", keyLine(top, "clusters"));
        if (top.entry("clusters").isPresent() && section.mapping().entries().isEmpty()) {
            top.problem(
                    keyLine(top, "clusters"),
                    "clusters",
                    "name at least one cluster (pair-1: {nodes: ..., resources: ..., vms: ...})");
        }
        Map<String, String> clusterOfNode = new HashMap<>();
        named(section, "{nodes: ..., resources: ..., vms: ..., failover: ...}", false, lines)
                .forEach((name, cluster) -> {
                    cluster(name, cluster, lines).ifPresent(c -> clusters.put(name, c));
                    for (String node : nodeKeys(cluster)) {
                        String first = clusterOfNode.putIfAbsent(node, name);
                        if (first != null) {
                            String path = cluster.path("nodes") + "." + node;
                            cluster.problem(
                                    lines.getOrDefault(path, 0),
                                    path,
                                    "is already a node of " + section.path(first) + " (a host belongs to one pair)");
                        }
                    }
                });
        document.finish();
        return new TopologyFile(source, new Topology(clusters), lines);
    }

    /**
     * The topology another config names under {@code key}, a path taken from {@code dir} when
     * relative. A file that cannot be read, and each problem in it, becomes a problem of the
     * naming config at that key's line ("agent.yaml:3: topology: /etc/vigil/topology.yaml:12: ..."),
     * so both files' problems are listed in one round. Empty when the key is absent or on a problem.
     */
    public static Optional<TopologyFile> readReferenced(ConfigSection section, String key, Path dir) {
        Optional<Scalar> given = section.scalar(key);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        int line = given.get().line();
        Path file;
        try {
            file = dir.resolve(given.get().text()).normalize();
        } catch (InvalidPathException e) {
            section.problem(
                    line, section.path(key), "'" + Name.printable(given.get().text()) + "' is not a path");
            return Optional.empty();
        }
        try {
            return Optional.of(load(file));
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                section.problem(line, section.path(key), p.describe(e.source()));
            }
        } catch (IOException e) {
            section.problem(
                    line,
                    section.path(key),
                    file + " cannot be read (" + e.getClass().getSimpleName()
                            + "); it is the topology shared by the engine and the agents (see deploy/topology.yaml)");
        }
        return Optional.empty();
    }

    private static Optional<ClusterTopology> cluster(String name, ConfigSection cluster, Map<String, Integer> lines) {
        String at = cluster.path();
        List<NodeTopology> nodes = nodes(cluster, lines);
        // homes are checked against the nodes named, not those read: a node left out for a bad value is still a node
        Map<String, ResourceTopology> resources = resources(cluster, nodeKeys(cluster), lines);
        idsFit(cluster, resources, lines);
        Entry resourcesEntry = cluster.mapping().entries().get("resources");
        if (resourcesEntry == null
                || resourcesEntry.value() instanceof Scalar s && s.isNull()
                || resourcesEntry.value() instanceof Mapping m && m.entries().isEmpty()) {
            String home = nodeKeys(cluster).stream().findFirst().orElse("node-a");
            cluster.problem(
                    lines.getOrDefault(at, cluster.mapping().line()),
                    at,
                    "guards no DRBD resource (resources: {r0: {home: " + home + ", vms: [web]}})");
        }
        ConfigSection vmSection = cluster.section("vms");
        Map<String, VmTopology> vms = vms(vmSection);
        FailoverPolicy policy = policy(cluster.section("failover"));
        cluster.rejectUnknownKeys();
        // each VM listed under a resource has its memory written, and each VM written is under a resource
        Set<String> listed = new LinkedHashSet<>();
        for (ResourceTopology resource : resources.values()) {
            for (String vm : resource.vms()) {
                listed.add(vm);
                String vmsPath = at + ".resources." + resource.name() + ".vms";
                if (!vmSection.mapping().entries().containsKey(vm)) {
                    cluster.problem(
                            lines.getOrDefault(vmsPath, 0),
                            vmsPath,
                            "VM '" + vm + "' has no entry under " + at + ".vms (give its memory: " + vm
                                    + ": {memory: 4GiB})");
                }
            }
        }
        for (Entry entry : vmSection.mapping().entries().values()) {
            if (Name.isValid(entry.key()) && !listed.contains(entry.key())) {
                cluster.problem(
                        entry.keyLine(),
                        at + ".vms." + entry.key(),
                        "is under no resource (list it in the vms of the resource its disks live on)");
            }
        }
        if (nodes.size() != 2) {
            return Optional.empty();
        }
        return Optional.of(new ClusterTopology(name, nodes, resources, vms, policy));
    }

    private static List<NodeTopology> nodes(ConfigSection cluster, Map<String, Integer> lines) {
        String at = cluster.path("nodes");
        lines.put(at, keyLine(cluster, "nodes"));
        if (cluster.entry("nodes").isEmpty()) {
            cluster.problem(
                    lines.getOrDefault(cluster.path(), cluster.mapping().line()),
                    at,
                    "missing (nodes: {node-a: {}, node-b: {}})");
            return List.of();
        }
        ConfigSection section = cluster.section("nodes");
        int given = section.mapping().entries().size();
        if (given != 2 && cluster.entry("nodes").get().value() instanceof Mapping) {
            cluster.problem(
                    keyLine(cluster, "nodes"),
                    at,
                    "a cluster is a pair: name exactly two nodes, not " + given
                            + (given == 0
                                    ? ""
                                    : " ("
                                            + String.join(
                                                    ", ",
                                                    section.mapping().entries().keySet()) + ")"));
        }
        List<NodeTopology> nodes = new ArrayList<>();
        Map<String, ConfigSection> sections =
                named(section, "{reserve: 1GiB, migrate_to: ..., fence: {...}}", true, lines);
        sections.forEach((name, node) -> node(name, node).ifPresent(nodes::add));
        if (nodes.size() == 2) {
            samePerNode(nodes.get(0), nodes.get(1), sections.get(nodes.get(1).name()));
        }
        return given == 2 ? nodes : List.of();
    }

    /**
     * What must differ between the two nodes, reported at the second one: fencing acts on the
     * node that failed, from its peer, so one BMC command for both would have the survivor cut (or
     * read) its own power; one migration destination would send VMs to the node they leave.
     */
    private static void samePerNode(NodeTopology first, NodeTopology second, ConfigSection at) {
        if (first.fence().isPresent() && second.fence().isPresent()) {
            ConfigSection fence = at.section("fence");
            if (first.fence().get().powerOff().equals(second.fence().get().powerOff())) {
                fence.problem(
                        fence.lineOf("power_off"),
                        fence.path("power_off"),
                        "the same command as " + first.name()
                                + "'s (the survivor would cut its own power): give each node the command for its own BMC");
            }
            if (first.fence().get().status().equals(second.fence().get().status())) {
                fence.problem(
                        fence.lineOf("status"),
                        fence.path("status"),
                        "the same command as " + first.name()
                                + "'s (the survivor would read its own power state): give each node the command for its own BMC");
            }
        }
        if (first.migrateDestination().equals(second.migrateDestination())) {
            at.problem(
                    at.lineOf("migrate_to"),
                    at.path("migrate_to"),
                    "the same destination as " + first.name()
                            + "'s (a VM would migrate to the node it is leaving): give each node its own");
        }
    }

    private static Optional<NodeTopology> node(String name, ConfigSection node) {
        long reserve = node.optional("reserve", DEFAULT_RESERVE_BYTES, ByteSize::parse);
        if (reserve <= 0) {
            node.problem(
                    node.lineOf("reserve"), node.path("reserve"), "must be more than 0 (the host itself needs memory)");
        }
        String destination = node.optional("migrate_to", "qemu+ssh://" + name + "/system", TopologyLoader::destination);
        Optional<FenceCommands> fence = Optional.empty();
        Entry fenceEntry = node.mapping().entries().get("fence");
        if (fenceEntry != null
                && (fenceEntry.value() instanceof Scalar s && s.isNull()
                        || fenceEntry.value() instanceof Mapping m
                                && m.entries().isEmpty())) {
            // "fence:" alone would otherwise read as no fence at all: the node could never be fenced, silently
            node.entry("fence");
            node.problem(
                    fenceEntry.keyLine(), node.path("fence"), "empty: give power_off and status, or remove fence:");
        } else if (node.entry("fence").isPresent()) {
            fence = fence(node.section("fence"), keyLine(node, "fence"));
        }
        node.rejectUnknownKeys();
        return reserve > 0 ? Optional.of(new NodeTopology(name, reserve, destination, fence)) : Optional.empty();
    }

    /** virsh migrate's destination URI (qemu+ssh://node-a/system) or xl migrate's host; passed as one argument. */
    static String destination(String text) {
        if (text.isEmpty() || text.startsWith("-") || !text.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
            throw new IllegalArgumentException(
                    "'" + Name.printable(text)
                            + "' is not a migration destination (a libvirt URI such as qemu+ssh://node-a/system, or a host name)");
        }
        return text;
    }

    private static Optional<FenceCommands> fence(ConfigSection fence, int fenceLine) {
        Optional<List<String>> powerOff = argv(
                fence,
                fenceLine,
                "power_off",
                "[ipmitool, -I, lanplus, -H, 10.0.0.11, -U, vigil, -f, FILE, chassis, power, off]");
        Optional<List<String>> status = argv(
                fence,
                fenceLine,
                "status",
                "[ipmitool, -I, lanplus, -H, 10.0.0.11, -U, vigil, -f, FILE, chassis, power, status]");
        String offText = fence.optional("off_when_output_contains", DEFAULT_OFF_TEXT, text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("must not be empty (the status output that means the power is off)");
            }
            return text;
        });
        Duration timeout = fence.positiveDuration("timeout", DEFAULT_FENCE_TIMEOUT);
        fence.rejectUnknownKeys();
        if (powerOff.isEmpty() || status.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FenceCommands(powerOff.get(), status.get(), offText, timeout));
    }

    /**
     * A command as the executor runs it: a list of arguments, no shell, the program absolute or a
     * bare name. A missing one is reported on {@code sectionLine}, the line of the section's own key.
     */
    private static Optional<List<String>> argv(ConfigSection section, int sectionLine, String key, String example) {
        String at = section.path(key);
        Optional<Entry> entry = section.entry(key);
        if (entry.isEmpty()) {
            section.problem(sectionLine, at, "missing (" + key + ": " + example + ")");
            return Optional.empty();
        }
        Node value = entry.get().value();
        if (value instanceof Scalar s) {
            section.problem(
                    s.line(),
                    at,
                    "write the command as a list of arguments (["
                            + String.join(
                                    ", ", Name.printable(s.text().strip(), 200).split("\\s+"))
                            + "]); it is run without a shell");
            return Optional.empty();
        }
        if (!(value instanceof Sequence sequence)) {
            section.problem(
                    value.line(), at, "expected a list of arguments (" + example + "), not " + value.describe());
            return Optional.empty();
        }
        if (sequence.items().isEmpty()) {
            section.problem(sequence.line(), at, "an empty command (" + key + ": " + example + ")");
            return Optional.empty();
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            Node item = sequence.items().get(i);
            String itemPath = at + "[" + i + "]";
            if (!(item instanceof Scalar s) || s.isNull()) {
                section.problem(item.line(), itemPath, "expected an argument (text), not " + item.describe());
            } else if (!s.text().chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                section.problem(s.line(), itemPath, "'" + Name.printable(s.text()) + "' holds control characters");
            } else if (i == 0 && programProblem(s.text()).isPresent()) {
                section.problem(
                        s.line(),
                        itemPath,
                        "'" + Name.printable(s.text()) + "' "
                                + programProblem(s.text()).get());
            } else {
                argv.add(s.text());
            }
        }
        return argv.size() == sequence.items().size() ? Optional.of(argv) : Optional.empty();
    }

    /**
     * Why {@code program} cannot be a fence command's argv[0], if it cannot: it must name the
     * program by an absolute, normalised path or a bare name on PATH, and be the program itself,
     * not a shell or interpreter that would run a string (the executor never uses a shell).
     */
    static Optional<String> programProblem(String program) {
        if (!(program.startsWith("/") || BARE_PROGRAM.matcher(program).matches())) {
            return Optional.of(
                    "is not a program to run: give an absolute path (/usr/bin/ipmitool) or a bare name found on PATH (ipmitool)");
        }
        if (program.contains("//")
                || program.contains("/./")
                || program.contains("/../")
                || program.endsWith("/.")
                || program.endsWith("/..")
                || program.endsWith("/")) {
            return Optional.of("is not a normalised path: write it without //, /./ or /.. (/usr/bin/ipmitool)");
        }
        String base = program.substring(program.lastIndexOf('/') + 1);
        if (SHELLS.contains(base) || INTERPRETER.matcher(base).matches()) {
            return Optional.of(
                    "is a shell or interpreter: write the command itself as arguments; it is run without a shell");
        }
        return Optional.empty();
    }

    private static Map<String, ResourceTopology> resources(
            ConfigSection cluster, List<String> nodes, Map<String, Integer> lines) {
        String at = cluster.path("resources");
        lines.put(at, keyLine(cluster, "resources"));
        Map<String, ResourceTopology> resources = new LinkedHashMap<>();
        Map<String, String> vmOwner = new HashMap<>();
        named(cluster.section("resources"), "{home: node-a, vms: [web, mail]}", false, lines)
                .forEach((name, resource) -> {
                    lines.put(resource.path("home"), resource.lineOf("home"));
                    lines.put(resource.path("vms"), resource.lineOf("vms"));
                    Optional<String> home = resource.required(
                            "home",
                            "the node it is Primary on when all is well, e.g. "
                                    + (nodes.isEmpty() ? "node-a" : nodes.get(0)),
                            ConfigSection.NAME);
                    home.filter(h -> !nodes.isEmpty() && !nodes.contains(h))
                            .ifPresent(h -> resource.problem(
                                    resource.lineOf("home"),
                                    resource.path("home"),
                                    "'" + h + "' is not a node of " + cluster.path() + " (" + String.join(", ", nodes)
                                            + ")"));
                    List<String> vms = names(resource, "vms");
                    for (String vm : vms) {
                        String previous = vmOwner.putIfAbsent(vm, name);
                        if (previous != null) {
                            resource.problem(
                                    resource.lineOf("vms"),
                                    resource.path("vms"),
                                    "VM '" + vm + "' is "
                                            + (previous.equals(name)
                                                    ? "listed twice"
                                                    : "already under " + at + "." + previous
                                                            + " (a VM's disks live on one resource)"));
                        }
                    }
                    resource.rejectUnknownKeys();
                    home.ifPresent(h -> resources.put(
                            name, new ResourceTopology(name, h, new ArrayList<>(new LinkedHashSet<>(vms)))));
                });
        return resources;
    }

    private static Map<String, VmTopology> vms(ConfigSection section) {
        Map<String, VmTopology> vms = new LinkedHashMap<>();
        named(section, "{memory: 4GiB, min_memory: 1GiB, priority: 10}", false, new HashMap<>())
                .forEach((name, vm) -> {
                    Optional<Long> memory = vm.required(
                                    "memory", "its memory when all is well, e.g. 4GiB", ByteSize::parse)
                            .filter(bytes -> positive(vm, "memory", bytes));
                    Optional<Long> min =
                            vm.read("min_memory", ByteSize::parse).filter(bytes -> positive(vm, "min_memory", bytes));
                    if (memory.isPresent() && min.isPresent() && min.get() > memory.get()) {
                        vm.problem(
                                vm.lineOf("min_memory"),
                                vm.path("min_memory"),
                                ByteSize.format(min.get()) + " is more than memory " + ByteSize.format(memory.get())
                                        + " (the least it may be ballooned down to)");
                        min = Optional.empty();
                        memory = Optional.empty();
                    }
                    int priority = vm.optional("priority", 0, ConfigSection.wholeNumber(-1_000_000, 1_000_000));
                    vm.rejectUnknownKeys();
                    if (memory.isPresent()
                            && (min.isPresent() || vm.entry("min_memory").isEmpty())) {
                        vms.put(name, new VmTopology(name, memory.get(), min.orElse(memory.get()), priority));
                    }
                });
        return vms;
    }

    /**
     * The failover's saga and action ids are {@code cluster:resource:number:step:attempt}, where a
     * step may name a VM or a node ({@code migrate:web}, {@code fb-disallow-two:node-a}); each must
     * be a valid name, at most {@value #NAME_MAX} characters. A topology whose longest possible id
     * would not fit is refused here, not when a failover builds it mid-way.
     */
    private static void idsFit(
            ConfigSection cluster, Map<String, ResourceTopology> resources, Map<String, Integer> lines) {
        String clusterName = cluster.path().substring(cluster.path().lastIndexOf('.') + 1);
        for (ResourceTopology resource : resources.values()) {
            String longest = resource.vms().stream().reduce("", (a, b) -> b.length() > a.length() ? b : a);
            for (String node : nodeKeys(cluster)) {
                longest = node.length() > longest.length() ? node : longest;
            }
            int length = clusterName.length() + resource.name().length() + longest.length() + ID_OVERHEAD;
            if (length > NAME_MAX) {
                String at = cluster.path("resources") + "." + resource.name();
                cluster.problem(
                        lines.getOrDefault(at, 0),
                        at,
                        "its failover ids would be up to " + length + " characters (cluster, resource,"
                                + " longest VM or node name '" + longest + "', and " + ID_OVERHEAD
                                + " for the rest), more than the "
                                + NAME_MAX + " a name may have: shorten one of them");
            }
        }
    }

    /** The node names a cluster gives under nodes: (valid names only; read without reporting anything). */
    private static List<String> nodeKeys(ConfigSection cluster) {
        Entry nodes = cluster.mapping().entries().get("nodes");
        return nodes != null && nodes.value() instanceof Mapping m
                ? m.entries().keySet().stream().filter(Name::isValid).toList()
                : List.of();
    }

    /** The line of a key itself: a block map's value starts on the line after it. */
    private static int keyLine(ConfigSection section, String key) {
        Entry entry = section.mapping().entries().get(key);
        return entry == null ? section.mapping().line() : entry.keyLine();
    }

    private static boolean positive(ConfigSection section, String key, long bytes) {
        if (bytes > 0) {
            return true;
        }
        section.problem(section.lineOf(key), section.path(key), "must be more than 0");
        return false;
    }

    private static FailoverPolicy policy(ConfigSection failover) {
        FailoverPolicy d = FailoverPolicy.DEFAULT;
        FailoverMode mode =
                failover.optional("mode", d.mode(), ConfigSection.word(FailoverMode.class, "failover mode"));
        FailbackPolicy failback = failover.optional(
                "failback", d.failback(), ConfigSection.word(FailbackPolicy.class, "failback policy"));
        ConfigSection flap = failover.section("flap_guard");
        int flapLimit = flap.optional("max_failovers", d.flapLimit(), ConfigSection.wholeNumber(1, 1000));
        Duration flapWindow = flap.positiveDuration("window", d.flapWindow());
        flap.rejectUnknownKeys();
        List<String> evacuateOn = names(failover, "evacuate_on");
        Duration hostGoneAfter = failover.positiveDuration("host_gone_after", d.hostGoneAfter());
        Duration stepTimeout = failover.positiveDuration("step_timeout", d.stepTimeout());
        int stepRetries = failover.optional("step_retries", d.stepRetries(), ConfigSection.wholeNumber(0, 100));
        Duration shutdownTimeout = failover.positiveDuration("shutdown_timeout", d.shutdownTimeout());
        failover.rejectUnknownKeys();
        return new FailoverPolicy(
                mode,
                failback,
                flapLimit,
                flapWindow,
                evacuateOn,
                hostGoneAfter,
                stepTimeout,
                stepRetries,
                shutdownTimeout);
    }

    /**
     * The map under {@code section} whose keys are names (clusters, nodes, resources, VMs), each
     * value read as a section; a bad name or a value that is not a map is a problem and left out.
     * {@code emptyAllowed}: "node-a:" with nothing stands for all defaults.
     */
    private static Map<String, ConfigSection> named(
            ConfigSection section, String example, boolean emptyAllowed, Map<String, Integer> lines) {
        Map<String, ConfigSection> named = new LinkedHashMap<>();
        for (Entry entry : section.mapping().entries().values()) {
            String path = section.path(entry.key());
            lines.put(path, entry.keyLine());
            if (!Name.isValid(entry.key())) {
                section.convert(new Scalar(entry.key(), false, entry.keyLine()), path, ConfigSection.NAME);
            } else if (entry.value() instanceof Mapping m) {
                named.put(entry.key(), new ConfigSection(path, m, section.problemsView()));
            } else if (emptyAllowed && entry.value() instanceof Scalar s && s.isNull()) {
                named.put(
                        entry.key(),
                        new ConfigSection(path, new Mapping(Map.of(), entry.keyLine()), section.problemsView()));
            } else {
                section.problem(
                        entry.value().line(),
                        path,
                        "expected " + example + ", not " + entry.value().describe());
            }
        }
        return named;
    }

    private static List<String> names(ConfigSection section, String key) {
        List<String> names = new ArrayList<>();
        List<Node> items = section.list(key);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = section.path(key) + "[" + i + "]";
            if (items.get(i) instanceof Scalar s && !s.isNull()) {
                section.convert(s, itemPath, ConfigSection.NAME).ifPresent(names::add);
            } else {
                section.problem(
                        items.get(i).line(),
                        itemPath,
                        "expected a name, not " + items.get(i).describe());
            }
        }
        return names;
    }
}
