package io.vigil.collectors.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.smart.SmartDevice;
import io.vigil.events.Hypervisor;
import io.vigil.service.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentConfigLoaderTest {
    private static Path resource(String name) throws Exception {
        return Path.of(
                AgentConfigLoaderTest.class.getResource("/config/" + name).toURI());
    }

    private static List<String> problems(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.parse("agent.yaml", text));
        return e.problems().stream().map(p -> p.describe("agent.yaml")).toList();
    }

    @Test
    void theExampleFileSpellsOutExactlyTheDefaults() throws Exception {
        AgentConfig example = AgentConfigLoader.load(resource("agent-example.yaml"));
        assertEquals(
                AgentConfig.withDefaults("pair-1", "node-a", Map.of("bootstrap.servers", "127.0.0.1:9092")), example);
    }

    @Test
    void fillsEveryOptionalKeyWithItsDefault() throws Exception {
        AgentConfig config = AgentConfigLoader.parse(
                "agent.yaml", "cluster: pair-9\nnode: node-b\nkafka: {bootstrap.servers: \"k:9092\"}\n");
        assertEquals(Path.of("/var/lib/vigil/spool"), config.spool().dir());
        assertEquals(64L << 20, config.spool().maxBytes());
        assertEquals("127.0.0.1", config.metrics().host());
        assertEquals(9464, config.metrics().port());
        assertEquals(Duration.ofSeconds(5), config.heartbeat().interval());
        assertEquals(9, config.probes().drbd().version());
        assertTrue(config.probes().drbd().enabled());
        assertEquals(Duration.ofSeconds(10), config.probes().drbd().statisticsInterval());
        assertEquals(List.of(), config.probes().smart().devices());
        assertEquals(Duration.ofSeconds(60), config.probes().smart().interval());
        assertEquals(Duration.ofSeconds(30), config.probes().lvm().interval());
        assertEquals(Hypervisor.LIBVIRT, config.probes().vm().hypervisor());
        assertEquals("qemu:///system", config.probes().vm().libvirtUri());
        assertEquals(Map.of(), config.resources().lvToResource());
    }

    @Test
    void readsEveryKeyAndHandsOutWhatTheProbesTake() throws Exception {
        AgentConfig config = AgentConfigLoader.load(resource("agent-full.yaml"));
        assertEquals(Map.of("bootstrap.servers", "10.0.0.5:9092", "linger.ms", "5"), config.kafka());
        assertEquals(Path.of("/srv/vigil/spool"), config.spool().dir());
        assertEquals(1L << 30, config.spool().maxBytes());
        assertEquals(0, config.metrics().port());
        assertEquals("0.0.0.0", config.metrics().host());
        assertEquals(Duration.ofSeconds(2), config.heartbeat().interval());
        assertEquals(8, config.probes().drbd().version());
        assertEquals(Duration.ofSeconds(90), config.probes().drbd().statisticsInterval());
        assertEquals(Duration.ofSeconds(20), config.probes().drbd().latencyInterval());
        assertEquals(false, config.probes().smart().enabled());
        assertEquals(
                List.of(
                        new SmartDevice("/dev/sda", Optional.empty()),
                        new SmartDevice("/dev/bus/0", Optional.of("megaraid,0"))),
                config.probes().smart().devices());
        assertEquals(Duration.ofMillis(500), config.probes().lvm().timeout());
        assertEquals("qemu+ssh://root@node-b/system", config.probes().vm().libvirtUri());
        assertEquals(Set.of("web"), config.probes().vm().guestAgent());
        assertEquals(
                Map.of("vg0/r0-disk", "r0", "vg0/r1-disk", "r1", "vg1/r1-log", "r1"),
                config.resources().lvToResource());
        assertEquals(
                Map.of("web", "r0", "mail", "r0", "db", "r1"),
                config.resources().vmToResource());
        // r0 names its home, r1 does not: r1's VMs are expected everywhere, r0's only at home
        assertEquals(Set.of("web", "mail", "db"), config.resources().vmsExpectedOn("node-a"));
        assertEquals(Set.of("db"), config.resources().vmsExpectedOn("node-b"));
    }

    @Test
    void reportsEveryProblemOfABrokenFileAtOnceWithLineAndKey() throws Exception {
        List<String> problems = problems(Files.readString(resource("agent-broken.yaml")));
        assertEquals(
                List.of(
                        "agent.yaml:3: spool.dir: 'var/spool' is not an absolute path (e.g. /var/lib/vigil/spool)",
                        "agent.yaml:3: spool.max_bytes: '64MB8' is not a size (use 64MiB, 1GiB or plain bytes)",
                        "agent.yaml:4: metrics.listen: port 99999 is out of range (0-65535; 0 picks a free one)",
                        "agent.yaml:5: heartbeat.interval: must be longer than 0 (use 500ms, 10s, 1m)",
                        "agent.yaml:7: probes.smart.interval: '10x' is not a duration (use 500ms, 10s, 1m)",
                        "agent.yaml:7: probes.smart.devices[0].device: '/etc/passwd' is not a device path (/dev/..., letters, digits and _ . / : , + -)",
                        "agent.yaml:7: probes.smart.devices[1].typ: unknown key (did you mean 'type'?)",
                        "agent.yaml:8: probes.lvm.timeout: 1m is longer than interval 30s (a poll must end before the next one is due)",
                        "agent.yaml:8: probes.lvm.intervall: unknown key (did you mean 'interval'?)",
                        "agent.yaml:9: probes.vm.hypervisor: 'vmware' is not a hypervisor (one of [libvirt, xen])",
                        "agent.yaml:9: probes.vm.guest_agent[0]: '-rf' is not a valid name (letters, digits and _ . + : -, not starting with '-' or '.', at most 128)",
                        "agent.yaml:10: probes.drbd.enabled: 'yes' is not true or false",
                        "agent.yaml:10: probes.drbd.version: '7' is not a DRBD version this agent reads (8: /proc/drbd, 9: drbdsetup events2)",
                        "agent.yaml:13: resources.r1.lvs[1]: 'justlv' is not vg/lv (e.g. vg0/r0-disk)",
                        "agent.yaml:13: resources.r1.lvs: LV 'vg0/r0-disk' is already listed under resources.r0 (each LV lives on one resource)",
                        "agent.yaml:13: resources.r1.vms: VM 'web' is already listed under resources.r0 (each VM lives on one resource)",
                        "agent.yaml:14: resources.bad name: 'bad name' is not a valid name (letters, digits and _ . + : -, not starting with '-' or '.', at most 128)",
                        "agent.yaml:15: colour: unknown key (known here: cluster, node, kafka, spool, metrics, heartbeat, probes, resources, topology, executor)",
                        "agent.yaml: cluster: missing (the cluster this host belongs to, e.g. pair-1)"),
                problems);
    }

    @Test
    void theExceptionMessageListsOneProblemPerLine() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> AgentConfigLoader.parse("/etc/vigil/agent.yaml", "node: a\n"));
        assertEquals(
                "/etc/vigil/agent.yaml: cluster: missing (the cluster this host belongs to, e.g. pair-1)\n"
                        + "/etc/vigil/agent.yaml: kafka.bootstrap.servers: missing (the Kafka brokers, e.g. \"10.0.0.5:9092,10.0.0.6:9092\")",
                e.getMessage());
    }

    @Test
    void anEmptyFileNamesEveryRequiredKey() {
        assertEquals(
                List.of(
                        "agent.yaml: cluster: missing (the cluster this host belongs to, e.g. pair-1)",
                        "agent.yaml: node: missing (this host's name in the cluster, e.g. node-a)",
                        "agent.yaml: kafka.bootstrap.servers: missing (the Kafka brokers, e.g. \"10.0.0.5:9092,10.0.0.6:9092\")"),
                problems(""));
    }

    @Test
    void reportsTextThatIsNotYamlWithItsLine() {
        List<String> problems = problems("cluster: pair-1\nnode: [a, b\nkafka: {}\n");
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).matches("agent\\.yaml:[34]: not valid YAML: .+"), problems.get(0));
    }

    @Test
    void refusesAKeyGivenTwice() {
        assertEquals(
                List.of("agent.yaml:3: node: given twice (first on line 2)"),
                problems("cluster: pair-1\nnode: a\nnode: b\nkafka: {bootstrap.servers: k:9092}\n"));
    }

    @Test
    void refusesAFileThatIsNotAMap() {
        assertEquals(
                List.of("agent.yaml:1: expected a map of settings (cluster:, node:, kafka:, ...), not a list"),
                problems("- cluster\n- node\n"));
    }

    @Test
    void refusesWrongShapesWithWhatWasExpected() {
        assertEquals(
                List.of(
                        "agent.yaml:2: node: expected a single value, not a list",
                        "agent.yaml:4: probes: expected a map (key: value), not 'all'",
                        "agent.yaml:5: resources.r0: expected {home: node-a, lvs: [vg0/r0-disk], vms: [web]}, not a list"),
                problems(
                        "cluster: pair-1\nnode: [a]\nkafka: {bootstrap.servers: k:9092}\nprobes: all\nresources: {r0: [x]}\n"));
    }

    @Test
    void refusesADrbdTimeoutLongerThanItsStatisticsInterval() {
        assertEquals(
                List.of(
                        "agent.yaml:4: probes.drbd.timeout: 20s is longer than statistics_interval 10s (a poll must end before the next one is due)"),
                problems("cluster: p\nnode: n\nkafka: {bootstrap.servers: k:9092}\nprobes: {drbd: {timeout: 20s}}\n"));
    }

    @Test
    void refusesGuestAgentPingsUnderXen() {
        assertEquals(
                List.of(
                        "agent.yaml: probes.vm.guest_agent: guest-agent pings need hypervisor libvirt (xl has no guest agent command)"),
                problems(
                        "cluster: p\nnode: n\nkafka: {bootstrap.servers: k:9092}\nprobes: {vm: {hypervisor: xen, guest_agent: [web]}}\n"));
    }

    @Test
    void refusesHostileNamesForClusterAndNode() {
        List<String> problems = problems("cluster: \"../etc\"\nnode: \"a b\"\nkafka: {bootstrap.servers: k:9092}\n");
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).startsWith("agent.yaml:1: cluster: '../etc' is not a valid name"), problems.get(0));
        assertTrue(problems.get(1).startsWith("agent.yaml:2: node: 'a b' is not a valid name"), problems.get(1));
    }

    @Test
    void acceptsIpv6ListenAddresses() throws Exception {
        AgentConfig config = AgentConfigLoader.parse(
                "agent.yaml",
                "cluster: p\nnode: n\nkafka: {bootstrap.servers: k:9092}\nmetrics: {listen: \"[::1]:9100\"}\n");
        assertEquals("::1", config.metrics().host());
        assertEquals(9100, config.metrics().port());
    }

    private static final String MINIMAL = "cluster: pair-1\nnode: node-b\nkafka: {bootstrap.servers: \"k:9092\"}\n";

    @Test
    void theExecutorIsOffAndAllowsNothingByDefault() throws Exception {
        io.vigil.collectors.executor.ExecutorSettings executor =
                AgentConfigLoader.parse("agent.yaml", MINIMAL).executor();
        assertEquals(io.vigil.collectors.executor.ExecutorSettings.disabled(), executor);
        assertEquals(io.vigil.collectors.executor.AllowList.NOTHING, executor.allow());
    }

    @Test
    void readsAnEnabledExecutorWithItsKeyFileAndAllowList(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path key = dir.resolve("action.key");
        Files.writeString(key, "a-key-of-at-least-thirty-two-bytes-here\n");
        AgentConfig config = AgentConfigLoader.parse(
                "agent.yaml",
                MINIMAL + "executor:\n  enabled: true\n  key_file: " + key
                        + "\n  journal_dir: /srv/vigil/executor\n  max_output_bytes: 8KiB\n  max_action_time: 5m\n  xen_config_dir: /srv/xen\n"
                        + "  allow:\n    actions: [drbd-primary, vm-start]\n    resources: [r0]\n    vms: [web]\n");
        io.vigil.collectors.executor.ExecutorSettings executor = config.executor();
        assertTrue(executor.enabled());
        assertEquals(Optional.of(new io.vigil.collectors.executor.ActionKey.File(key)), executor.key());
        assertEquals(Path.of("/srv/vigil/executor"), executor.journalDir());
        assertEquals(8192, executor.maxOutputBytes());
        assertEquals(Duration.ofMinutes(5), executor.maxActionTime());
        assertEquals(Path.of("/srv/xen"), executor.xenConfigDir());
        assertEquals(
                new io.vigil.collectors.executor.AllowList(
                        java.util.EnumSet.of(
                                io.vigil.events.ActionType.DRBD_PRIMARY, io.vigil.events.ActionType.VM_START),
                        Set.of("r0"),
                        Set.of("web")),
                executor.allow());
    }

    @Test
    void anEnabledExecutorNeedsExactlyOneKeyOfAtLeast32Bytes(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assertEquals(
                List.of(
                        "agent.yaml:5: executor.key_file: missing: an enabled executor needs the key it shares with the engine,"
                                + " in key_file (e.g. /etc/vigil/action.key) or key_env (e.g. VIGIL_ACTION_KEY), never in this file"),
                problems(MINIMAL + "executor:\n  enabled: true\n"));
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, "too-short\n");
        List<String> tooShort = problems(MINIMAL + "executor:\n  enabled: true\n  key_file: " + shortKey + "\n");
        assertEquals(1, tooShort.size(), tooShort.toString());
        assertTrue(
                tooShort.get(0)
                        .startsWith("agent.yaml:6: executor.key_file: key_file " + shortKey
                                + ": the action key has 9 bytes"),
                tooShort.get(0));
        assertTrue(problems(MINIMAL + "executor:\n  enabled: true\n  key_file: " + dir.resolve("absent.key") + "\n")
                .get(0)
                .contains("cannot read the key"));
        assertEquals(
                List.of("agent.yaml:7: executor.key_env: give key_file or key_env, not both"),
                problems(
                        MINIMAL
                                + "executor:\n  enabled: true\n  key_file: /etc/vigil/action.key\n  key_env: VIGIL_ACTION_KEY\n"));
        List<String> unset = assertThrows(
                        io.vigil.service.config.ConfigException.class,
                        () -> AgentConfigLoader.parse(
                                "agent.yaml",
                                MINIMAL + "executor:\n  enabled: true\n  key_env: VIGIL_ACTION_KEY\n",
                                Map.of()))
                .problems()
                .stream()
                .map(p -> p.describe("agent.yaml"))
                .toList();
        assertEquals(
                List.of(
                        "agent.yaml:6: executor.key_env: cannot read the key: environment variable VIGIL_ACTION_KEY is not set"),
                unset);
        AgentConfig fromEnv = AgentConfigLoader.parse(
                "agent.yaml",
                MINIMAL + "executor:\n  enabled: true\n  key_env: VIGIL_ACTION_KEY\n",
                Map.of("VIGIL_ACTION_KEY", "a-key-of-at-least-thirty-two-bytes-here"));
        assertTrue(fromEnv.executor().enabled());
    }

    @Test
    void executorProblemsNameTheirLine() {
        assertEquals(
                List.of(
                        "agent.yaml:5: executor.journal_dir: 'var/lib' is not an absolute path (e.g. /var/lib/vigil/executor)",
                        "agent.yaml:7: executor.allow.actions[0]: 'reboot' is not an action type (one of [drbd-primary, drbd-secondary,"
                                + " drbd-allow-two-primaries, drbd-disallow-two-primaries, vm-set-memory, vm-migrate-live, vm-shutdown,"
                                + " vm-destroy, vm-start, fence, fence-status])",
                        "agent.yaml:8: executor.allow.vms[0]: '-rf' is not a valid name (letters, digits and _ . + : -, not starting with"
                                + " '-' or '.', at most 128)"),
                problems(MINIMAL
                        + "executor:\n  journal_dir: var/lib\n  allow:\n    actions: [reboot]\n    vms: [\"-rf\"]\n"));
    }
}
