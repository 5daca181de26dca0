package io.vigil.collectors.config;

import io.vigil.collectors.executor.ExecutorSettings;
import io.vigil.collectors.smart.SmartDevice;
import io.vigil.events.Hypervisor;
import io.vigil.events.Name;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.Topology;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's configuration, validated (see {@link AgentConfigLoader}). Every optional key has its
 * default in {@link Defaults}; the records hand out exactly what the probe constructors take.
 *
 * @param kafka    producer properties passed through as given ("bootstrap.servers" is required)
 * @param topology the topology file the config names ({@code topology:}), checked to hold this
 *                 host's cluster and node and to agree with {@code resources}; empty when not named
 * @param executor the action executor's section: off unless enabled
 */
public record AgentConfig(
        String cluster,
        String node,
        Map<String, Object> kafka,
        SpoolSettings spool,
        MetricsSettings metrics,
        HeartbeatSettings heartbeat,
        ProbeSettings probes,
        Resources resources,
        Optional<Topology> topology,
        ExecutorSettings executor) {
    public AgentConfig {
        Name.check("cluster", cluster);
        Name.check("node", node);
        kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(probes, "probes");
        Objects.requireNonNull(resources, "resources");
        topology = Objects.requireNonNullElse(topology, Optional.empty());
        Objects.requireNonNull(executor, "executor");
    }

    /** This host's pair as the topology describes it (the loader checked it is there); empty without a topology. */
    public Optional<ClusterTopology> clusterTopology() {
        return topology.flatMap(t -> t.cluster(cluster));
    }

    /** A config with every default, for the lab and tests that build configs in code. */
    public static AgentConfig withDefaults(String cluster, String node, Map<String, Object> kafka) {
        return new AgentConfig(
                cluster,
                node,
                kafka,
                new SpoolSettings(Defaults.SPOOL_DIR, Defaults.SPOOL_MAX_BYTES),
                new MetricsSettings(Defaults.METRICS_HOST, Defaults.METRICS_PORT),
                new HeartbeatSettings(Defaults.HEARTBEAT_INTERVAL),
                ProbeSettings.defaults(),
                new Resources(Map.of()),
                Optional.empty(),
                ExecutorSettings.disabled());
    }

    /** The defaults, written once; deploy's example agent.yaml spells out the same values. */
    public static final class Defaults {
        public static final Path SPOOL_DIR = Path.of("/var/lib/vigil/spool");
        public static final long SPOOL_MAX_BYTES = 64L << 20;
        public static final String METRICS_HOST = "127.0.0.1";
        public static final int METRICS_PORT = 9464;
        public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
        public static final int DRBD_VERSION = 9;
        public static final Duration DRBD_STATISTICS_INTERVAL = Duration.ofSeconds(10);
        public static final Duration DRBD_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DRBD_LATENCY_INTERVAL = Duration.ofSeconds(10);
        public static final Duration SMART_INTERVAL = Duration.ofSeconds(60);
        public static final Duration SMART_TIMEOUT = Duration.ofSeconds(30);
        public static final Duration LVM_INTERVAL = Duration.ofSeconds(30);
        public static final Duration LVM_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration VM_INTERVAL = Duration.ofSeconds(10);
        public static final Duration VM_TIMEOUT = Duration.ofSeconds(10);
        public static final Hypervisor VM_HYPERVISOR = Hypervisor.LIBVIRT;
        public static final String LIBVIRT_URI = "qemu:///system";

        private Defaults() {}
    }

    /** The on-disk spool (maps to the publisher's Spool.Settings). */
    public record SpoolSettings(Path dir, long maxBytes) {
        public SpoolSettings {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /** Where /metrics listens; port 0 picks a free port. */
    public record MetricsSettings(String host, int port) {
        public MetricsSettings {
            Objects.requireNonNull(host, "host");
        }

        public InetSocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }
    }

    public record HeartbeatSettings(Duration interval) {
        public HeartbeatSettings {
            Objects.requireNonNull(interval, "interval");
        }
    }

    public record ProbeSettings(DrbdSettings drbd, SmartSettings smart, LvmSettings lvm, VmSettings vm) {
        public ProbeSettings {
            Objects.requireNonNull(drbd, "drbd");
            Objects.requireNonNull(smart, "smart");
            Objects.requireNonNull(lvm, "lvm");
            Objects.requireNonNull(vm, "vm");
        }

        public static ProbeSettings defaults() {
            return new ProbeSettings(
                    new DrbdSettings(
                            true,
                            Defaults.DRBD_VERSION,
                            Defaults.DRBD_STATISTICS_INTERVAL,
                            Defaults.DRBD_TIMEOUT,
                            Defaults.DRBD_LATENCY_INTERVAL),
                    new SmartSettings(true, Defaults.SMART_INTERVAL, Defaults.SMART_TIMEOUT, List.of()),
                    new LvmSettings(true, Defaults.LVM_INTERVAL, Defaults.LVM_TIMEOUT),
                    new VmSettings(
                            true,
                            Defaults.VM_INTERVAL,
                            Defaults.VM_TIMEOUT,
                            Defaults.VM_HYPERVISOR,
                            Defaults.LIBVIRT_URI,
                            Set.of()));
        }
    }

    /**
     * DRBD 9 streams events2 and refreshes counters every {@code statisticsInterval}
     * (DrbdEventsProbe); DRBD 8 polls /proc/drbd every {@code statisticsInterval} (ProcDrbdProbe).
     */
    public record DrbdSettings(
            boolean enabled, int version, Duration statisticsInterval, Duration timeout, Duration latencyInterval) {}

    /** {@code devices} empty: ask smartctl --scan-open. */
    public record SmartSettings(boolean enabled, Duration interval, Duration timeout, List<SmartDevice> devices) {
        public SmartSettings {
            devices = List.copyOf(devices);
        }
    }

    /** A drive to check; {@code type} is smartctl's -d argument ("megaraid,0"). Maps to smart.SmartDevice. */
    public record SmartDeviceEntry(String device, Optional<String> type) {
        public SmartDeviceEntry {
            Name.checkDevice("device", device);
            type = Objects.requireNonNullElse(type, Optional.empty());
        }
    }

    public record LvmSettings(boolean enabled, Duration interval, Duration timeout) {}

    /** {@code guestAgent}: the VMs whose guest agent is pinged for liveness. */
    public record VmSettings(
            boolean enabled,
            Duration interval,
            Duration timeout,
            Hypervisor hypervisor,
            String libvirtUri,
            Set<String> guestAgent) {
        public VmSettings {
            Objects.requireNonNull(hypervisor, "hypervisor");
            Objects.requireNonNull(libvirtUri, "libvirtUri");
            guestAgent = Set.copyOf(guestAgent);
        }
    }

    /** What each DRBD resource carries: the LVs on it ("vg0/r0-disk") and the VMs whose disks live there. */
    public record Resources(Map<String, ResourceContents> byResource) {
        public Resources {
            byResource = Collections.unmodifiableMap(new LinkedHashMap<>(byResource));
        }

        /** "vg0/r0-disk" -> "r0", as LvmProbe takes it. */
        public Map<String, String> lvToResource() {
            Map<String, String> map = new LinkedHashMap<>();
            byResource.forEach((resource, contents) -> contents.lvs().forEach(lv -> map.put(lv, resource)));
            return Collections.unmodifiableMap(map);
        }

        /**
         * The VMs the hypervisor on {@code node} must know: those of the resources this node is
         * home to, and of the resources that name no home. Any other VM of the pair is not missing
         * here just because it runs on the peer.
         */
        public Set<String> vmsExpectedOn(String node) {
            Set<String> expected = new LinkedHashSet<>();
            byResource.values().stream()
                    .filter(contents -> contents.home().map(node::equals).orElse(true))
                    .forEach(contents -> expected.addAll(contents.vms()));
            return Collections.unmodifiableSet(expected);
        }

        /** "web" -> "r0", as VmProbe.Settings takes it. */
        public Map<String, String> vmToResource() {
            Map<String, String> map = new LinkedHashMap<>();
            byResource.forEach((resource, contents) -> contents.vms().forEach(vm -> map.put(vm, resource)));
            return Collections.unmodifiableMap(map);
        }
    }

    /**
     * {@code home}: the node the resource is Primary on and its VMs run on when all is well; where
     * it is empty, the VMs are defined on every node of the pair and expected on each.
     */
    public record ResourceContents(Optional<String> home, List<String> lvs, List<String> vms) {
        public ResourceContents {
            home = Objects.requireNonNullElse(home, Optional.empty());
            lvs = List.copyOf(lvs);
            vms = List.copyOf(vms);
        }
    }
}
