package io.vigil.collectors.config;

import io.vigil.collectors.config.AgentConfig.Defaults;
import io.vigil.collectors.config.AgentConfig.DrbdSettings;
import io.vigil.collectors.config.AgentConfig.HeartbeatSettings;
import io.vigil.collectors.config.AgentConfig.LvmSettings;
import io.vigil.collectors.config.AgentConfig.MetricsSettings;
import io.vigil.collectors.config.AgentConfig.ProbeSettings;
import io.vigil.collectors.config.AgentConfig.ResourceContents;
import io.vigil.collectors.config.AgentConfig.Resources;
import io.vigil.collectors.config.AgentConfig.SmartSettings;
import io.vigil.collectors.config.AgentConfig.SpoolSettings;
import io.vigil.collectors.config.AgentConfig.VmSettings;
import io.vigil.collectors.executor.ExecutorSettings;
import io.vigil.collectors.smart.SmartDevice;
import io.vigil.events.Hypervisor;
import io.vigil.events.Name;
import io.vigil.events.WireEnum;
import io.vigil.service.config.ByteSize;
import io.vigil.service.config.ConfigDocument;
import io.vigil.service.config.ConfigException;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.ConfigText;
import io.vigil.service.config.DurationText;
import io.vigil.service.config.YamlTree.Entry;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.http.ListenAddress;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.ResourceTopology;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyFile;
import io.vigil.service.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads and validates the agent's YAML at start. It reports every problem at once, each with its
 * line and key path ("agent.yaml:7: probes.smart.interval: '10x' is not a duration (use 500ms,
 * 10s, 1m)"), so an operator fixes the file in one round rather than one error per restart.
 */
public final class AgentConfigLoader {
    private AgentConfigLoader() {}

    /** Reads {@code file}; problems name the file as given; a relative topology path is taken from its directory. */
    public static AgentConfig load(Path file) throws ConfigException, IOException {
        return parse(
                file.toString(), ConfigText.read(file), file.toAbsolutePath().getParent());
    }

    /** Reads config text; {@code source} is how problems name it ("agent.yaml"); relative paths are taken from the working directory. */
    public static AgentConfig parse(String source, String text) throws ConfigException {
        return parse(source, text, Path.of("").toAbsolutePath(), System.getenv());
    }

    /** Reads config text; {@code source} names it in problems, {@code dir} anchors a relative topology path. */
    public static AgentConfig parse(String source, String text, Path dir) throws ConfigException {
        return parse(source, text, dir, System.getenv());
    }

    /** The same, with the environment an executor's {@code key_env} is read from. */
    public static AgentConfig parse(String source, String text, Map<String, String> env) throws ConfigException {
        return parse(source, text, Path.of("").toAbsolutePath(), env);
    }

    /** Reads config text, relative topology paths from {@code dir}, an executor's {@code key_env} from {@code env}. */
    public static AgentConfig parse(String source, String text, Path dir, Map<String, String> env)
            throws ConfigException {
        ConfigDocument document = ConfigDocument.parse(source, text, "cluster:, node:, kafka:, ...");
        ConfigSection top = document.top();
        Optional<String> cluster =
                top.required("cluster", "the cluster this host belongs to, e.g. pair-1", ConfigSection.NAME);
        Optional<String> node =
                top.required("node", "this host's name in the cluster, e.g. node-a", ConfigSection.NAME);
        Map<String, Object> kafka = top.clientProperties("kafka");
        SpoolSettings spool = spool(top.section("spool"));
        MetricsSettings metrics = metrics(top.section("metrics"));
        HeartbeatSettings heartbeat = heartbeat(top.section("heartbeat"));
        ProbeSettings probes = probes(top.section("probes"));
        Resources resources = resources(top);
        Optional<TopologyFile> topology = TopologyLoader.readReferenced(top, "topology", dir);
        if (topology.isPresent() && cluster.isPresent() && node.isPresent()) {
            resources = agreeWithTopology(top, cluster.get(), node.get(), resources, topology.get());
        }
        ExecutorSettings executor = ExecutorSection.read(top.section("executor"), env);
        if (probes.vm().hypervisor() == Hypervisor.XEN
                && !probes.vm().guestAgent().isEmpty()) {
            top.problem(
                    0,
                    "probes.vm.guest_agent",
                    "guest-agent pings need hypervisor libvirt (xl has no guest agent command)");
        }
        document.finish();
        return new AgentConfig(
                cluster.orElseThrow(),
                node.orElseThrow(),
                kafka,
                spool,
                metrics,
                heartbeat,
                probes,
                resources,
                topology.map(TopologyFile::topology),
                executor);
    }

    private static SpoolSettings spool(ConfigSection spool) {
        Path dir = spool.optional("dir", Defaults.SPOOL_DIR, text -> {
            Path path = Path.of(text);
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException(
                        "'" + Name.printable(text) + "' is not an absolute path (e.g. /var/lib/vigil/spool)");
            }
            return path;
        });
        long maxBytes = spool.optional("max_bytes", Defaults.SPOOL_MAX_BYTES, ByteSize::parse);
        if (maxBytes < 1L << 20) {
            spool.problem(
                    spool.lineOf("max_bytes"),
                    spool.path("max_bytes"),
                    "'" + ByteSize.format(maxBytes) + "' is too small a spool (at least 1MiB)");
        }
        spool.rejectUnknownKeys();
        return new SpoolSettings(dir, maxBytes);
    }

    private static MetricsSettings metrics(ConfigSection metrics) {
        MetricsSettings listen = metrics.optional(
                "listen",
                new MetricsSettings(Defaults.METRICS_HOST, Defaults.METRICS_PORT),
                AgentConfigLoader::listenAddress);
        metrics.rejectUnknownKeys();
        return listen;
    }

    /** "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464"; port 0 picks a free port. */
    static MetricsSettings listenAddress(String text) {
        ListenAddress address = ListenAddress.parse(text);
        return new MetricsSettings(address.host(), address.port());
    }

    private static HeartbeatSettings heartbeat(ConfigSection heartbeat) {
        Duration interval = heartbeat.positiveDuration("interval", Defaults.HEARTBEAT_INTERVAL);
        heartbeat.rejectUnknownKeys();
        return new HeartbeatSettings(interval);
    }

    private static ProbeSettings probes(ConfigSection probes) {
        ProbeSettings settings = new ProbeSettings(
                drbd(probes.section("drbd")),
                smart(probes.section("smart")),
                lvm(probes.section("lvm")),
                vm(probes.section("vm")));
        probes.rejectUnknownKeys();
        return settings;
    }

    private static DrbdSettings drbd(ConfigSection drbd) {
        boolean enabled = drbd.bool("enabled", true);
        int version = drbd.optional("version", Defaults.DRBD_VERSION, text -> switch (text) {
            case "8" -> 8;
            case "9" -> 9;
            default ->
                throw new IllegalArgumentException("'" + Name.printable(text)
                        + "' is not a DRBD version this agent reads (8: /proc/drbd, 9: drbdsetup events2)");
        });
        Duration statistics = drbd.positiveDuration("statistics_interval", Defaults.DRBD_STATISTICS_INTERVAL);
        Duration timeout = drbd.positiveDuration("timeout", Defaults.DRBD_TIMEOUT);
        Duration latency = drbd.positiveDuration("latency_interval", Defaults.DRBD_LATENCY_INTERVAL);
        timeoutWithinInterval(drbd, timeout, statistics, "statistics_interval");
        drbd.rejectUnknownKeys();
        return new DrbdSettings(enabled, version, statistics, timeout, latency);
    }

    private static SmartSettings smart(ConfigSection smart) {
        boolean enabled = smart.bool("enabled", true);
        Duration interval = smart.positiveDuration("interval", Defaults.SMART_INTERVAL);
        Duration timeout = smart.positiveDuration("timeout", Defaults.SMART_TIMEOUT);
        timeoutWithinInterval(smart, timeout, interval, "interval");
        List<SmartDevice> devices = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<Node> items = smart.list("devices");
        for (int i = 0; i < items.size(); i++) {
            String itemPath = smart.path("devices") + "[" + i + "]";
            Node item = items.get(i);
            if (!(item instanceof Mapping m)) {
                smart.problem(
                        item.line(),
                        itemPath,
                        "expected {device: /dev/sda} or {device: /dev/bus/0, type: \"megaraid,0\"}, not "
                                + item.describe());
                continue;
            }
            ConfigSection entry = new ConfigSection(itemPath, m, smart.problemsView());
            Optional<String> device = entry.required("device", "the drive, e.g. /dev/sda", text -> {
                try {
                    return Name.checkDevice("device", text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage().substring("device: ".length()));
                }
            });
            Optional<String> type = entry.read("type", SmartDevice::checkType);
            entry.rejectUnknownKeys();
            if (device.isPresent()) {
                String key = device.get() + type.map(t -> " -d " + t).orElse("");
                Integer first = seen.putIfAbsent(key, m.line());
                if (first != null) {
                    smart.problem(m.line(), itemPath, key + " is listed twice (first on line " + first + ")");
                }
                devices.add(new SmartDevice(device.get(), type));
            }
        }
        smart.rejectUnknownKeys();
        return new SmartSettings(enabled, interval, timeout, devices);
    }

    private static LvmSettings lvm(ConfigSection lvm) {
        boolean enabled = lvm.bool("enabled", true);
        Duration interval = lvm.positiveDuration("interval", Defaults.LVM_INTERVAL);
        Duration timeout = lvm.positiveDuration("timeout", Defaults.LVM_TIMEOUT);
        timeoutWithinInterval(lvm, timeout, interval, "interval");
        lvm.rejectUnknownKeys();
        return new LvmSettings(enabled, interval, timeout);
    }

    private static VmSettings vm(ConfigSection vm) {
        boolean enabled = vm.bool("enabled", true);
        Duration interval = vm.positiveDuration("interval", Defaults.VM_INTERVAL);
        Duration timeout = vm.positiveDuration("timeout", Defaults.VM_TIMEOUT);
        timeoutWithinInterval(vm, timeout, interval, "interval");
        Hypervisor hypervisor = vm.optional(
                "hypervisor",
                Defaults.VM_HYPERVISOR,
                text -> WireEnum.lookup(Hypervisor.class, text)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "'" + Name.printable(text) + "' is not a hypervisor (one of "
                                        + Arrays.stream(Hypervisor.values())
                                                .map(Hypervisor::wire)
                                                .toList() + ")")));
        String uri = vm.optional("libvirt_uri", Defaults.LIBVIRT_URI, text -> {
            if (!text.matches("[a-z][a-z0-9+.-]*:[^\\s]*")) {
                throw new IllegalArgumentException(
                        "'" + Name.printable(text) + "' is not a libvirt URI (e.g. qemu:///system)");
            }
            return text;
        });
        Set<String> guestAgent = new LinkedHashSet<>(names(vm, "guest_agent", ConfigSection.NAME));
        vm.rejectUnknownKeys();
        return new VmSettings(enabled, interval, timeout, hypervisor, uri, guestAgent);
    }

    static <T> List<T> names(ConfigSection section, String key, Function<String, T> reader) {
        List<T> values = new ArrayList<>();
        List<Node> items = section.list(key);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = section.path(key) + "[" + i + "]";
            if (items.get(i) instanceof Scalar s && !s.isNull()) {
                section.convert(s, itemPath, reader).ifPresent(values::add);
            } else {
                section.problem(
                        items.get(i).line(),
                        itemPath,
                        "expected a name, not " + items.get(i).describe());
            }
        }
        return values;
    }

    private static void timeoutWithinInterval(
            ConfigSection section, Duration timeout, Duration interval, String intervalKey) {
        if (timeout.compareTo(interval) > 0) {
            section.problem(
                    section.lineOf("timeout"),
                    section.path("timeout"),
                    DurationText.format(timeout) + " is longer than " + intervalKey + " "
                            + DurationText.format(interval) + " (a poll must end before the next one is due)");
        }
    }

    private static Resources resources(ConfigSection top) {
        ConfigSection resources = top.section("resources");
        Map<String, ResourceContents> byResource = new LinkedHashMap<>();
        Map<String, String> lvOwner = new HashMap<>();
        Map<String, String> vmOwner = new HashMap<>();
        for (Entry entry : resources.mapping().entries().values()) {
            String resourcePath = resources.path(entry.key());
            if (!Name.isValid(entry.key())) {
                resources.convert(new Scalar(entry.key(), false, entry.keyLine()), resourcePath, ConfigSection.NAME);
                continue;
            }
            if (!(entry.value() instanceof Mapping m)) {
                resources.problem(
                        entry.value().line(),
                        resourcePath,
                        "expected {home: node-a, lvs: [vg0/" + entry.key() + "-disk], vms: [web]}, not "
                                + entry.value().describe());
                continue;
            }
            ConfigSection resource = new ConfigSection(resourcePath, m, resources.problemsView());
            Optional<String> home = resource.read("home", ConfigSection.NAME);
            List<String> lvs = names(resource, "lvs", AgentConfigLoader::vgSlashLv);
            List<String> vms = names(resource, "vms", ConfigSection.NAME);
            resource.rejectUnknownKeys();
            claimOnce(resource, "lvs", lvs, lvOwner, entry.key(), "LV");
            claimOnce(resource, "vms", vms, vmOwner, entry.key(), "VM");
            byResource.put(entry.key(), new ResourceContents(home, lvs, vms));
        }
        return new Resources(byResource);
    }

    /** An LV or VM lives on one resource; listing it under two would send its failover two ways. */
    private static void claimOnce(
            ConfigSection resource,
            String key,
            List<String> names,
            Map<String, String> owners,
            String owner,
            String what) {
        for (String name : names) {
            String previous = owners.putIfAbsent(name, owner);
            if (previous != null && !previous.equals(owner)) {
                resource.problem(
                        resource.lineOf(key),
                        resource.path(key),
                        what + " '" + name + "' is already listed under resources." + previous + " (each " + what
                                + " lives on one resource)");
            } else if (previous != null) {
                resource.problem(resource.lineOf(key), resource.path(key), what + " '" + name + "' is listed twice");
            }
        }
    }

    static String vgSlashLv(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "' is not vg/lv (e.g. vg0/r0-disk)");
        }
        ConfigSection.NAME.apply(parts[0]);
        ConfigSection.NAME.apply(parts[1]);
        return text;
    }

    /**
     * The topology is the one truth the engine and every agent share: it must hold this host's
     * cluster and node, and the resources this config lists must agree with it on their home and
     * VMs, each disagreement named in both files. Without a {@code resources:} list here (or an
     * empty one) the topology's resources are taken, with no LVs (those are local to the host).
     * A home or VM list left out of a listed resource is taken from the topology.
     */
    private static Resources agreeWithTopology(
            ConfigSection top, String cluster, String node, Resources resources, TopologyFile file) {
        Topology topology = file.topology();
        Optional<ClusterTopology> pair = topology.cluster(cluster);
        if (pair.isEmpty()) {
            top.problem(
                    top.lineOf("cluster"),
                    "cluster",
                    "'" + cluster + "' is not a cluster of " + file.where("clusters") + " ("
                            + String.join(
                                    ", ",
                                    topology.clusters().keySet().stream()
                                            .sorted()
                                            .toList()) + ")");
            return resources;
        }
        if (pair.get().node(node).isEmpty()) {
            top.problem(
                    top.lineOf("node"),
                    "node",
                    "'" + node + "' is not a node of " + cluster + " in "
                            + file.where(TopologyFile.clusterPath(cluster, "nodes")) + " ("
                            + String.join(", ", pair.get().nodeNames()) + ")");
        }
        Map<String, ResourceTopology> known = new TreeMap<>(pair.get().resources());
        Map<String, ResourceContents> agreed = new LinkedHashMap<>();
        if (resources.byResource().isEmpty()) {
            known.values()
                    .forEach(
                            r -> agreed.put(r.name(), new ResourceContents(Optional.of(r.home()), List.of(), r.vms())));
            return new Resources(agreed);
        }
        Mapping listed = (Mapping) top.mapping().entries().get("resources").value();
        for (Map.Entry<String, ResourceContents> mine : resources.byResource().entrySet()) {
            String name = mine.getKey();
            String path = "resources." + name;
            Mapping entries = (Mapping) listed.entries().get(name).value();
            ResourceTopology theirs = known.get(name);
            if (theirs == null) {
                top.problem(
                        listed.entries().get(name).keyLine(),
                        path,
                        "is not a resource of " + cluster + " in "
                                + file.where(TopologyFile.clusterPath(cluster, "resources")) + " ("
                                + String.join(", ", known.keySet()) + ")");
                continue;
            }
            String where = TopologyFile.clusterPath(cluster, "resources", name);
            mine.getValue()
                    .home()
                    .filter(home -> !home.equals(theirs.home()))
                    .ifPresent(home -> top.problem(
                            entries.entries().get("home").value().line(),
                            path + ".home",
                            "is " + home + " but " + file.where(where + ".home") + " says " + theirs.home()));
            if (entries.entries().containsKey("vms")
                    && !Set.copyOf(mine.getValue().vms()).equals(Set.copyOf(theirs.vms()))) {
                top.problem(
                        entries.entries().get("vms").value().line(),
                        path + ".vms",
                        "is " + mine.getValue().vms() + " but " + file.where(where + ".vms") + " says " + theirs.vms());
            }
            agreed.put(
                    name,
                    new ResourceContents(
                            Optional.of(theirs.home()), mine.getValue().lvs(), theirs.vms()));
        }
        for (String name : known.keySet()) {
            if (!resources.byResource().containsKey(name)) {
                top.problem(
                        top.mapping().entries().get("resources").keyLine(),
                        "resources",
                        name + " is missing here but "
                                + file.where(TopologyFile.clusterPath(cluster, "resources", name))
                                + " lists it (list it with its lvs,"
                                + " or leave resources: out to take every resource from the topology)");
            }
        }
        return new Resources(agreed);
    }
}
