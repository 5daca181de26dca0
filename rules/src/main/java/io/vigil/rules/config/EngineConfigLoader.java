package io.vigil.rules.config;

import io.vigil.events.ActionSeal;
import io.vigil.events.ActionSeals;
import io.vigil.events.AlertLabels;
import io.vigil.events.Name;
import io.vigil.rules.config.EngineConfig.Defaults;
import io.vigil.rules.config.EngineConfig.Http;
import io.vigil.rules.config.EngineConfig.Topics;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.notify.NotifyConfig;
import io.vigil.rules.notify.NotifyConfigLoader;
import io.vigil.rules.notify.Secret;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.service.config.ConfigDocument;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.ConfigText;
import io.vigil.service.config.YamlTree.Entry;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.http.ListenAddress;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyFile;
import io.vigil.service.topology.TopologyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads and checks engine.yaml at start, every problem at once with its line and key, as the
 * agent's config is read. Relative paths (rules, state) are taken from the file's directory.
 */
public final class EngineConfigLoader {
    private EngineConfigLoader() {}

    public static EngineConfig load(Path file) throws ConfigException, IOException {
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), ConfigText.read(file), dir, System.getenv());
    }

    /** Reads config text; {@code source} names it in problems, {@code dir} anchors relative paths. */
    public static EngineConfig parse(String source, String text, Path dir) throws ConfigException {
        return parse(source, text, dir, System.getenv());
    }

    /** The same, with {@code env} as the environment secrets may come from. */
    public static EngineConfig parse(String source, String text, Path dir, Map<String, String> env)
            throws ConfigException {
        ConfigDocument document = document(source, text);
        EngineConfig config = read(document, dir, env);
        document.finish();
        return config;
    }

    /** The engine's config file as a document, for a caller that reads sections of its own from it too ({@code history:}). */
    public static ConfigDocument document(String source, String text) throws ConfigException {
        return ConfigDocument.parse(source, text, "kafka:, rules:, clusters:, ...");
    }

    /**
     * Reads the engine's sections of {@code document}, recording problems in it; the caller reads
     * its own sections and then calls {@link ConfigDocument#finish()}, which reports every problem at once.
     */
    public static EngineConfig read(ConfigDocument document, Path dir, Map<String, String> env) {
        ConfigSection top = document.top();
        Map<String, Object> kafka = top.clientProperties("kafka");
        String applicationId = top.optional("application_id", Defaults.APPLICATION_ID, ConfigSection.NAME);
        Path stateDir = top.optional(
                "state_dir", Defaults.STATE_DIR, t -> dir.resolve(t).normalize());
        int threads = top.optional("stream_threads", Defaults.STREAM_THREADS, ConfigSection.wholeNumber(1, 64));
        List<Path> rules = new ArrayList<>();
        for (Node n : top.list("rules")) {
            if (n instanceof Scalar s && !s.isNull()) {
                rules.add(dir.resolve(s.text()).normalize());
            } else {
                top.problem(n.line(), "rules", "expected paths of rule files or directories, not " + n.describe());
            }
        }
        if (rules.isEmpty()) {
            top.problem(
                    top.lineOf("rules"),
                    "rules",
                    "name the rule files or directories to load (rules: [/etc/vigil/rules])");
        }
        Optional<EngineConfig.Failover> failover = failover(top, dir, env);
        Roster roster = roster(top.section("clusters"));
        if (failover.isPresent()) {
            roster = agreeWithTopology(top, roster, failover.get().topologyFile());
            requireFailoverForEveryCluster(top, failover.get().topologyFile());
        }
        Topics topics = topics(top.section("topics"));
        EngineTiming timing = timing(top.section("evaluation"));
        EngineLimits limits = limits(top.section("limits"));
        Http http = http(top.section("http"), dir);
        if (top.entry("failover").isPresent() && http.tokenFile().isEmpty()) {
            // the API's approve and failback act on hosts: an engine that fails over never takes them from anyone
            top.problem(
                    top.entry("failover").get().keyLine(),
                    "failover",
                    "needs http.token_file: without it anyone who reaches the API could approve"
                            + " a failover or ask for a failback (put a random secret in a file, mode 0600, and name it in http.token_file)");
        }
        Optional<NotifyConfig> notifications = NotifyConfigLoader.read(top, dir, env, http.listen(), ReceiverTypes.ALL);
        return new EngineConfig(
                kafka,
                applicationId,
                stateDir,
                threads,
                rules,
                roster,
                topics,
                timing,
                http,
                notifications,
                limits,
                failover);
    }

    /**
     * {@code failover: {topology: PATH, key_dir: DIR | key_file: PATH | key_env: VAR}}. {@code key_dir}
     * holds a key per node of the topology ({@code DIR/<node>.key}), each agent the key of its own node,
     * so one host's key seals nothing the other's agent runs; {@code key_file} and {@code key_env} name
     * one key every agent shares, still read for older configs. A key is never written in the config,
     * and must be long enough for HMAC-SHA256.
     */
    private static Optional<EngineConfig.Failover> failover(ConfigSection top, Path dir, Map<String, String> env) {
        if (top.entry("failover").isEmpty()) {
            return Optional.empty();
        }
        ConfigSection section = top.section("failover");
        if (section.entry("topology").isEmpty()) {
            section.problem(
                    section.mapping().line(), section.path("topology"), "missing (topology: /etc/vigil/topology.yaml)");
        }
        Optional<TopologyFile> topology = TopologyLoader.readReferenced(section, "topology", dir);
        boolean perNode = section.entry("key_dir").isPresent();
        boolean shared =
                Stream.of("key", "key_file", "key_env").map(section::entry).anyMatch(Optional::isPresent);
        Optional<ActionSeals> seals;
        if (perNode && shared) {
            section.problem(
                    section.lineOf("key_dir"),
                    section.path("key_dir"),
                    "give key_dir (a key per node) or key_file/key_env (one key every agent shares), not both");
            seals = Optional.empty();
        } else if (perNode) {
            Optional<Scalar> keyDir = section.scalar("key_dir");
            seals = keyDir.isPresent() && topology.isPresent()
                    ? keysPerNode(
                            section,
                            dir.resolve(keyDir.get().text()).normalize(),
                            topology.get().topology())
                    : Optional.empty();
        } else if (shared) {
            seals = sharedKey(section, dir, env);
        } else {
            section.problem(
                    section.mapping().line(),
                    section.path("key_dir"),
                    "missing (key_dir: DIR holding <node>.key for each node of the topology;"
                            + " or key_file: PATH or key_env: VAR for one key every agent shares)");
            seals = Optional.empty();
        }
        section.rejectUnknownKeys();
        if (topology.isEmpty() || seals.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EngineConfig.Failover(topology.get(), seals.get()));
    }

    /**
     * {@code DIR/<node>.key} for every node of every cluster of the topology, each read and checked as
     * a {@code key_file} is; a node whose key is missing, unreadable or short is a problem naming it and
     * its file, at {@code key_dir}'s line. Empty on any problem: no node is left without its key.
     */
    private static Optional<ActionSeals> keysPerNode(ConfigSection section, Path keyDir, Topology topology) {
        int line = section.lineOf("key_dir");
        String at = section.path("key_dir");
        if (!Files.isDirectory(keyDir)) {
            section.problem(
                    line,
                    at,
                    keyDir + " is not a directory (it should hold <node>.key for each node of the topology,"
                            + " readable by the engine's user)");
            return Optional.empty();
        }
        Map<String, ActionSeal> byNode = new LinkedHashMap<>();
        boolean complete = true;
        for (ClusterTopology cluster : new TreeMap<>(topology.clusters()).values()) {
            for (String node : cluster.nodeNames()) {
                String whose = "the key of node " + node + " (cluster " + cluster.name() + "): ";
                Path file = keyDir.resolve(node + ".key");
                Optional<ActionSeal> seal = NotifyConfigLoader.secretFile(
                                section, line, at, whose, file, NotifyConfigLoader.SecretShape.ANY)
                        .flatMap(key -> actionSeal(section, line, at, whose + file + ": ", key));
                seal.ifPresent(s -> byNode.put(node, s));
                complete &= seal.isPresent();
            }
        }
        return complete ? Optional.of(new ActionSeals.PerNode(byNode)) : Optional.empty();
    }

    /** The one key of {@code key_file} or {@code key_env}, which every agent holds too. */
    private static Optional<ActionSeals> sharedKey(ConfigSection section, Path dir, Map<String, String> env) {
        Optional<Secret> key = NotifyConfigLoader.secret(section, "key", dir, env, false);
        String given = section.entry("key_file").isPresent() ? "key_file" : "key_env";
        return key.flatMap(k -> actionSeal(section, section.lineOf(given), section.path(given), "", k))
                .map(ActionSeals.Shared::new);
    }

    /** The seal made with {@code key}; a key too short for HMAC-SHA256 is a problem (never shown). */
    private static Optional<ActionSeal> actionSeal(
            ConfigSection section, int line, String at, String whose, Secret key) {
        try {
            return Optional.of(ActionSeal.ofKeyText(key.reveal()));
        } catch (IllegalArgumentException e) {
            section.problem(line, at, whose + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The topology and {@code clusters:} must name the same nodes for a cluster both list; a
     * cluster only the topology lists joins the roster, so that its nodes are expected too.
     */
    private static Roster agreeWithTopology(ConfigSection top, Roster roster, TopologyFile file) {
        Map<String, Roster.ClusterSpec> specs = new LinkedHashMap<>(roster.clusters());
        Optional<Mapping> listed = top.entry("clusters")
                .map(Entry::value)
                .filter(Mapping.class::isInstance)
                .map(Mapping.class::cast);
        for (ClusterTopology pair : new TreeMap<>(file.topology().clusters()).values()) {
            Roster.ClusterSpec spec = specs.get(pair.name());
            if (spec == null) {
                specs.put(pair.name(), new Roster.ClusterSpec(pair.nodeNames(), Map.of()));
            } else if (!spec.nodes().isEmpty() && !Set.copyOf(spec.nodes()).equals(Set.copyOf(pair.nodeNames()))) {
                int line = listed.map(
                                m -> ((Mapping) m.entries().get(pair.name()).value())
                                        .entries()
                                        .get("nodes")
                                        .value()
                                        .line())
                        .orElse(0);
                top.problem(
                        line,
                        "clusters." + pair.name() + ".nodes",
                        "is " + spec.nodes() + " but " + file.where(TopologyFile.clusterPath(pair.name(), "nodes"))
                                + " says " + pair.nodeNames());
            }
        }
        return new Roster(specs);
    }

    /**
     * With failover on, each cluster under {@code clusters:} must be in the topology. A problem,
     * not a log line: an operator who turned failover on would otherwise believe a cluster guarded
     * that never fails over; one that should only be watched says so in the topology (mode: dry-run).
     */
    private static void requireFailoverForEveryCluster(ConfigSection top, TopologyFile file) {
        Optional<Mapping> listed = top.entry("clusters")
                .map(Entry::value)
                .filter(Mapping.class::isInstance)
                .map(Mapping.class::cast);
        for (Entry entry : listed.map(m -> m.entries().values()).orElse(List.of())) {
            if (Name.isValid(entry.key())
                    && file.topology().cluster(entry.key()).isEmpty()) {
                top.problem(
                        entry.keyLine(),
                        "clusters." + entry.key(),
                        "not in the topology " + file.source() + ", so it would have"
                                + " no failover: add it there (mode: dry-run to only watch it) or run it under an engine without failover:");
            }
        }
    }

    /** The {@code clusters:} section, as engine.yaml and rule test files write it. */
    public static Roster roster(ConfigSection clusters) {
        Map<String, Roster.ClusterSpec> specs = new LinkedHashMap<>();
        for (Entry entry : clusters.mapping().entries().values()) {
            String path = clusters.path(entry.key());
            if (!Name.isValid(entry.key())) {
                clusters.problem(
                        entry.keyLine(), path, "'" + Name.printable(entry.key()) + "' is not a valid cluster name");
                continue;
            }
            if (!(entry.value() instanceof Mapping m)) {
                clusters.problem(
                        entry.value().line(),
                        path,
                        "expected {nodes: [node-a, node-b], labels: {...}}, not "
                                + entry.value().describe());
                continue;
            }
            ConfigSection spec = new ConfigSection(path, m, clusters.problemsView());
            List<String> nodes = new ArrayList<>();
            for (Node n : spec.list("nodes")) {
                if (n instanceof Scalar s && !s.isNull()) {
                    spec.convert(s, spec.path("nodes"), ConfigSection.NAME).ifPresent(nodes::add);
                } else {
                    spec.problem(n.line(), spec.path("nodes"), "expected node names, not " + n.describe());
                }
            }
            if (nodes.isEmpty()) {
                spec.problem(m.line(), spec.path("nodes"), "name the cluster's nodes (nodes: [node-a, node-b])");
            }
            ConfigSection labelSection = spec.section("labels");
            Map<String, String> labels = new LinkedHashMap<>();
            for (Entry label : labelSection.mapping().entries().values()) {
                try {
                    AlertLabels.checkName("label", label.key());
                    if (RuleLoader.AUTOMATIC_LABELS.contains(label.key())) {
                        throw new IllegalArgumentException(
                                "label: '" + label.key() + "' is set by the engine; choose another name");
                    }
                } catch (IllegalArgumentException e) {
                    labelSection.problem(
                            label.keyLine(),
                            labelSection.path(label.key()),
                            e.getMessage().substring("label: ".length()));
                    continue;
                }
                if (label.value() instanceof Scalar s && !s.isNull()) {
                    labels.put(label.key(), s.text());
                } else {
                    labelSection.problem(
                            label.value().line(),
                            labelSection.path(label.key()),
                            "expected text, not " + label.value().describe());
                }
            }
            spec.rejectUnknownKeys();
            specs.put(entry.key(), new Roster.ClusterSpec(nodes, labels));
        }
        return new Roster(specs);
    }

    private static Topics topics(ConfigSection s) {
        boolean create = s.bool("create", Defaults.TOPICS.create());
        int partitions = s.optional("partitions", Defaults.TOPICS.partitions(), ConfigSection.wholeNumber(1, 10_000));
        int replication = s.optional(
                "replication_factor", (int) Defaults.TOPICS.replicationFactor(), ConfigSection.wholeNumber(1, 32));
        s.rejectUnknownKeys();
        return new Topics(create, partitions, (short) replication);
    }

    private static EngineTiming timing(ConfigSection s) {
        EngineTiming d = EngineTiming.DEFAULTS;
        Duration interval = s.positiveDuration("interval", d.evaluationInterval());
        Duration resend = s.positiveDuration("resend_interval", d.resendInterval());
        Duration lease = s.positiveDuration("lease", d.lease());
        Duration grace = s.duration("absence_grace", d.absenceGrace());
        Duration forget = s.positiveDuration("forget_after", d.forgetAfter());
        Duration retention = s.positiveDuration("resolved_retention", d.resolvedRetention());
        s.rejectUnknownKeys();
        try {
            return new EngineTiming(interval, resend, lease, grace, forget, retention);
        } catch (IllegalArgumentException e) {
            s.problem(s.lineOf("lease"), s.path("lease"), e.getMessage());
            return d;
        }
    }

    private static EngineLimits limits(ConfigSection s) {
        EngineLimits d = EngineLimits.DEFAULTS;
        int alerts = s.optional("alerts_per_cluster", d.alertsPerCluster(), ConfigSection.wholeNumber(1, 1_000_000));
        int unknownNodes = s.optional(
                "unknown_nodes_per_cluster", d.unknownNodesPerCluster(), ConfigSection.wholeNumber(0, 1_000_000));
        s.rejectUnknownKeys();
        return new EngineLimits(alerts, unknownNodes);
    }

    private static Http http(ConfigSection s, Path dir) {
        ListenAddress listen = s.optional("listen", Defaults.LISTEN, ListenAddress::parse);
        Optional<String> advertise =
                s.read("advertise", t -> ListenAddress.parse(t).toString());
        Optional<Path> token = s.read("token_file", t -> dir.resolve(t).normalize());
        token.ifPresent(t -> {
            try {
                if (Files.readString(t, StandardCharsets.UTF_8).isBlank()) {
                    s.problem(
                            s.lineOf("token_file"),
                            s.path("token_file"),
                            t + " is empty: it would let anyone change silences"
                                    + " (put a random secret in it, mode 0600)");
                }
            } catch (IOException e) {
                s.problem(
                        s.lineOf("token_file"),
                        s.path("token_file"),
                        t + " cannot be read (create it with a random secret, mode 0600)");
            }
        });
        s.rejectUnknownKeys();
        return new Http(listen, advertise, token);
    }
}
