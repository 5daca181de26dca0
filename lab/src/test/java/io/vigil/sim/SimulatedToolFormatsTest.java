package io.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.ProcessCommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's text held against real tool output: captured here, produced by the real tool in the test, or DRBD's own traces. */
class SimulatedToolFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofSeconds(5);
    private static final Pattern STAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");

    private final SimulatedPair pair = SimulatedPair.seed();
    private final SimulatedHost a = pair.nodeA();

    static String resource(String name) throws IOException {
        try (InputStream in = SimulatedToolFormatsTest.class.getResourceAsStream("/sim/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static CommandResult run(SimulatedHost host, String... argv) throws CommandException {
        return host.run(Command.of(argv), T);
    }

    /** "create device name:x volume:0 ..." -> [name, volume, ...] */
    private static List<String> fieldNames(String line) {
        List<String> names = new ArrayList<>();
        String[] words = line.split(" ");
        for (int i = 2; i < words.length; i++) {
            names.add(words[i].substring(0, words[i].indexOf(':')));
        }
        return names;
    }

    @Test
    void events2DumpPrintsEveryObjectInDrbdsetupsFieldOrderThenExistsDash() throws Exception {
        String sample = resource("drbd/drbdutils_events2-sync.test");
        String statisticsRun = sample.substring(sample.indexOf("events2 --statistics"));
        Map<String, List<String>> sampleOrder = new java.util.HashMap<>();
        for (String line : statisticsRun.lines().toList()) {
            if (line.startsWith("create ")) {
                sampleOrder.put(line.split(" ")[1], fieldNames(line));
            }
        }
        CommandResult dump = run(a, "drbdsetup", "events2", "--now", "--timestamps", "--statistics");
        assertEquals(0, dump.exitCode());
        List<String> lines = dump.stdout().lines().toList();
        assertEquals(11, lines.size(), dump.stdout()); // 2 resources x 5 objects, then "exists -"
        assertTrue(lines.get(10).matches(STAMP + " exists -"), lines.get(10));
        for (String line : lines.subList(0, 10)) {
            String[] parts = line.split(" ", 2);
            assertTrue(STAMP.matcher(parts[0]).matches(), line);
            assertTrue(parts[1].startsWith("exists "), line);
            // drbdsetup without --verbose leaves out-of-sync: out when it is 0 (the sample's
            // instrumented build prints it), and both resources here are in sync
            List<String> expected = sampleOrder.get(parts[1].split(" ")[1]).stream()
                    .filter(f -> !f.equals("out-of-sync"))
                    .toList();
            assertEquals(expected, fieldNames(parts[1]), line);
        }
        assertTrue(
                dump.stdout()
                        .contains(
                                " exists path name:r0 peer-node-id:1 conn-name:node-b local:ipv4:10.99.0.1:7789 peer:ipv4:10.99.0.2:7789 established:yes\n"),
                dump.stdout());
        assertTrue(
                dump.stdout()
                        .contains(
                                " exists resource name:r0 role:Primary suspended:no force-io-failures:no write-ordering:flush may_promote:no promotion_score:10102\n"),
                dump.stdout());
    }

    @Test
    void events2WithoutStatisticsLeavesTheCountersOutLikeThePlainSample() throws Exception {
        String sample = resource("drbd/drbdutils_events2-sync.test");
        String plainRun = sample.substring(0, sample.indexOf("events2 --statistics"));
        List<String> sampleDevice = plainRun.lines()
                .filter(l -> l.startsWith("create device"))
                .map(SimulatedToolFormatsTest::fieldNames)
                .findFirst()
                .orElseThrow();
        String dump = run(a, "drbdsetup", "events2", "--now").stdout();
        String device = dump.lines()
                .filter(l -> l.startsWith("exists device"))
                .findFirst()
                .orElseThrow();
        assertEquals(sampleDevice, fieldNames(device));
        assertFalse(dump.contains("out-of-sync:"), dump);
    }

    @Test
    void smartctlJsonHasTheEnvelopeOfRealSmartctlAndExitStatusMatchesTheDocument() throws Exception {
        JsonNode real = JSON.readTree(resource("real/smartctl-vda-no-smart.json"));
        for (String device : List.of("/dev/sda", "/dev/nvme0", "/dev/nvme0n1")) {
            CommandResult result = run(a, "smartctl", "--json", "-a", device);
            JsonNode sim = JSON.readTree(result.stdout());
            assertSameKeys(real, sim, "", List.of("messages"));
            assertEquals(result.exitCode(), sim.at("/smartctl/exit_status").asInt());
            assertEquals(0, result.exitCode(), device);
            assertEquals(
                    List.of("smartctl", "--json", "-a", device),
                    JSON.convertValue(sim.at("/smartctl/argv"), List.class));
            assertTrue(sim.at("/smart_status/passed").asBoolean());
        }
        JsonNode ata =
                JSON.readTree(run(a, "smartctl", "--json", "-a", "/dev/sda").stdout());
        assertEquals("ATA", ata.at("/device/protocol").asText());
        List<Integer> ids = new ArrayList<>();
        ata.at("/ata_smart_attributes/table")
                .forEach(attr -> ids.add(attr.get("id").asInt()));
        assertTrue(ids.containsAll(List.of(5, 9, 194, 197, 198)), ids.toString());
        JsonNode nvme =
                JSON.readTree(run(a, "smartctl", "--json", "-a", "/dev/nvme0").stdout());
        assertEquals("NVMe", nvme.at("/device/protocol").asText());
        assertEquals(
                0,
                nvme.at("/nvme_smart_health_information_log/critical_warning").asInt());
        // real smartctl prints "key": value with two-space indents and one array element a line
        assertTrue(run(a, "smartctl", "--json", "-a", "/dev/sda")
                .stdout()
                .startsWith(resource("real/smartctl-vda-no-smart.json").substring(0, 60)));
    }

    @Test
    void smartctlForAnUnknownDeviceIsTheRealOpenFailureWithExitStatusTwo() throws Exception {
        JsonNode real = JSON.readTree(resource("real/smartctl-no-such-device.json"));
        CommandResult result = run(a, "smartctl", "--json", "-a", "/dev/sdz");
        JsonNode sim = JSON.readTree(result.stdout());
        assertEquals(2, result.exitCode());
        assertSameKeys(real, sim, "", List.of());
        assertEquals(
                real.at("/smartctl/messages/0/string").asText(),
                sim.at("/smartctl/messages/0/string").asText());
    }

    @Test
    void smartctlScanListsBothDisksInTheRealEnvelope() throws Exception {
        JsonNode real = JSON.readTree(resource("real/smartctl-scan-open.json"));
        CommandResult result = run(a, "smartctl", "--scan-open", "--json");
        JsonNode sim = JSON.readTree(result.stdout());
        assertEquals(0, result.exitCode());
        assertSameKeys(real, sim, "", List.of("devices"));
        assertEquals("/dev/sda", sim.at("/devices/0/name").asText());
        assertEquals("sat", sim.at("/devices/0/type").asText());
        assertEquals("/dev/nvme0", sim.at("/devices/1/name").asText());
        assertEquals("nvme", sim.at("/devices/1/type").asText());
    }

    /** Every key of {@code real} is in {@code sim} (recursively, objects only), apart from {@code simMayLack}. */
    private static void assertSameKeys(JsonNode real, JsonNode sim, String path, List<String> simMayLack) {
        for (Iterator<String> it = real.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (simMayLack.contains(key)) {
                continue;
            }
            assertTrue(sim.has(key), "simulated smartctl lacks " + path + "/" + key);
            if (real.get(key).isObject()) {
                assertSameKeys(real.get(key), sim.get(key), path + "/" + key, simMayLack);
            }
        }
    }

    private static final String VGS = "vg_name,vg_size,vg_free,pv_count,lv_count";
    private static final String LVS =
            "vg_name,lv_name,lv_size,lv_attr,pool_lv,origin,data_percent,metadata_percent,snap_percent";
    private static final Pattern ROW = Pattern.compile(" {18}\\{(\"[a-z_]+\":\"[^\"]*\", )*\"[a-z_]+\":\"[^\"]*\"},?");

    /** The report without its rows, and the rows checked for LVM's one-row-a-line layout. */
    private static String skeleton(String report) {
        List<String> lines = report.lines().toList();
        List<String> rows =
                lines.stream().filter(l -> l.startsWith(" ".repeat(18) + "{")).toList();
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(ROW.matcher(rows.get(i)).matches(), rows.get(i));
            assertEquals(
                    i < rows.size() - 1,
                    rows.get(i).endsWith(","),
                    "only the last row lacks the comma: " + rows.get(i));
        }
        return String.join("\n", lines.stream().filter(l -> !rows.contains(l)).toList());
    }

    @Test
    void vgsAndLvsReportsHaveTheLayoutAndColumnsOfRealLvm() throws Exception {
        String realVgs = resource("real/vgs-two-vgs.json");
        CommandResult vgs = run(a, "vgs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", VGS);
        assertEquals(0, vgs.exitCode());
        assertEquals(skeleton(realVgs), skeleton(vgs.stdout()));
        JsonNode realRow = JSON.readTree(realVgs).at("/report/0/vg/0");
        JsonNode simRow = JSON.readTree(vgs.stdout()).at("/report/0/vg/0");
        assertEquals(iterate(realRow.fieldNames()), iterate(simRow.fieldNames()));
        assertEquals("vg0", simRow.get("vg_name").asText());
        assertEquals("4", simRow.get("lv_count").asText(), "r0's and r1's disks, the thin pool and its thin volume");

        CommandResult lvs = run(a, "lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LVS);
        assertEquals(0, lvs.exitCode());
        assertEquals(skeleton(resource("real/lvs-no-lvs.json")), skeleton(lvs.stdout()));
        JsonNode lv = JSON.readTree(lvs.stdout()).at("/report/0/lv/0");
        assertEquals(List.of(LVS.split(",")), iterate(lv.fieldNames()));
        assertEquals("r0-disk", lv.get("lv_name").asText());
        assertEquals("-wi-ao----", lv.get("lv_attr").asText());
        assertEquals(String.valueOf(20L << 30), lv.get("lv_size").asText());
        JsonNode pool = JSON.readTree(lvs.stdout()).at("/report/0/lv/2");
        assertEquals(
                List.of("pool0", "twi-aotz--", "", "37.50", "13.38"),
                List.of(
                        pool.get("lv_name").asText(),
                        pool.get("lv_attr").asText(),
                        pool.get("pool_lv").asText(),
                        pool.get("data_percent").asText(),
                        pool.get("metadata_percent").asText()));
        JsonNode thin = JSON.readTree(lvs.stdout()).at("/report/0/lv/3");
        assertEquals(
                List.of("scratch", "Vwi-a-tz--", "pool0", "25.00", ""),
                List.of(
                        thin.get("lv_name").asText(),
                        thin.get("lv_attr").asText(),
                        thin.get("pool_lv").asText(),
                        thin.get("data_percent").asText(),
                        thin.get("metadata_percent").asText()));
    }

    @Test
    void lvmRefusesAColumnItDoesNotKnowAsLvmDoes() throws Exception {
        CommandResult result =
                run(a, "vgs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", "vg_name,frobs");
        assertEquals(3, result.exitCode());
        assertEquals("  Unrecognised field: frobs\n", result.stderr());
    }

    private static List<String> iterate(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    // ---- virsh against the real virsh on libvirt's test driver ------------------------------

    private static boolean virshInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/virsh"));
    }

    /** A test-driver node with node-a's domains: same names, uuids, memory and vCPUs. */
    private static Path nodeXml(Path dir) throws IOException {
        String domains = """
                <node>
                  <domain type='test'><name>web</name><uuid>5f1c3a52-8d44-4c1e-9a7b-0a11c0de0001</uuid>
                    <memory unit='KiB'>6291456</memory><currentMemory unit='KiB'>6291456</currentMemory><vcpu>2</vcpu><os><type>hvm</type></os></domain>
                  <domain type='test'><name>mail</name><uuid>5f1c3a52-8d44-4c1e-9a7b-0a11c0de0002</uuid>
                    <memory unit='KiB'>4194304</memory><currentMemory unit='KiB'>4194304</currentMemory><vcpu>2</vcpu><os><type>hvm</type></os></domain>
                  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>db</name><uuid>5f1c3a52-8d44-4c1e-9a7b-0a11c0de0003</uuid>
                    <memory unit='KiB'>6291456</memory><currentMemory unit='KiB'>6291456</currentMemory><vcpu>4</vcpu><os><type>hvm</type></os>
                    <test:runstate>5</test:runstate></domain>
                  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>backup</name><uuid>5f1c3a52-8d44-4c1e-9a7b-0a11c0de0004</uuid>
                    <memory unit='KiB'>4194304</memory><currentMemory unit='KiB'>4194304</currentMemory><vcpu>1</vcpu><os><type>hvm</type></os>
                    <test:runstate>5</test:runstate></domain>
                </node>
                """;
        return Files.writeString(dir.resolve("node-a.xml"), domains);
    }

    private static String realVirsh(Path xml, String commands) throws CommandException {
        CommandResult result = new ProcessCommandRunner()
                .run(Command.of("virsh", "-c", "test://" + xml, commands), Duration.ofSeconds(20));
        assertEquals(0, result.exitCode(), result.stderr());
        return result.stdout();
    }

    @Test
    void virshListAndDominfoMatchTheRealVirshLineByLine(@TempDir Path dir) throws Exception {
        assumeTrue(virshInstalled(), "virsh (libvirt-clients) is not installed");
        Path xml = nodeXml(dir);
        assertEquals(
                realVirsh(xml, "list --all"),
                run(a, "virsh", "-c", "qemu:///system", "list", "--all").stdout());
        for (String vm : List.of("web", "mail")) {
            assertDominfoMatches(
                    realVirsh(xml, "dominfo " + vm),
                    run(a, "virsh", "-c", "qemu:///system", "dominfo", vm).stdout());
        }
        // a stopped domain: "-" for its id, "shut off", sorted after the running ones
        a.shutdownVm("mail");
        String realAfter = realVirsh(xml, "destroy mail; list --all");
        assertEquals(
                realAfter.substring(realAfter.indexOf(" Id ")),
                run(a, "virsh", "list", "--all").stdout());
        String realInfo = realVirsh(xml, "destroy mail; dominfo mail");
        assertDominfoMatches(
                realInfo.substring(realInfo.indexOf("Id:")),
                run(a, "virsh", "-c", "qemu:///system", "dominfo", "mail").stdout());
    }

    /**
     * Line by line, labels and layout equal; values equal except where libvirt's test driver is not
     * qemu: its OS Type ("linux"), a CPU time even for a stopped domain (qemu reports 0 and virsh
     * omits the line), and its own security driver.
     */
    private static void assertDominfoMatches(String real, String sim) {
        List<String> realLines = new ArrayList<>(real.lines().toList());
        List<String> simLines = sim.lines().toList();
        if (!simLines.contains("State:          running")) {
            realLines.removeIf(l -> l.startsWith("CPU time:"));
        }
        realLines.removeIf(l ->
                l.startsWith("Security label:") && !simLines.stream().anyMatch(s -> s.startsWith("Security label:")));
        assertEquals(realLines.size(), simLines.size(), "real:\n" + real + "\nsim:\n" + sim);
        for (int i = 0; i < realLines.size(); i++) {
            String r = realLines.get(i);
            String s = simLines.get(i);
            String label = r.isEmpty() ? "" : r.substring(0, 16);
            assertEquals(label, s.isEmpty() ? "" : s.substring(0, 16), "line " + (i + 1));
            if (!List.of(
                            "OS Type:        ",
                            "CPU time:       ",
                            "Security model: ",
                            "Security DOI:   ",
                            "Security label: ")
                    .contains(label)) {
                assertEquals(r, s, "line " + (i + 1));
            }
        }
        assertTrue(sim.endsWith("\n\n"), "virsh ends dominfo with an empty line");
    }

    @Test
    void guestPingAnswersOrFailsAsVirshDoes() throws Exception {
        CommandResult ok =
                run(a, "virsh", "-c", "qemu:///system", "qemu-agent-command", "web", "{\"execute\":\"guest-ping\"}");
        assertEquals(0, ok.exitCode());
        assertEquals("{\"return\":{}}\n", ok.stdout());
        a.setGuestAgentAnswering("web", false);
        CommandResult silent =
                run(a, "virsh", "-c", "qemu:///system", "qemu-agent-command", "web", "{\"execute\":\"guest-ping\"}");
        assertEquals(1, silent.exitCode());
        assertEquals("error: Guest agent is not responding: QEMU guest agent is not connected\n", silent.stderr());
        CommandResult unknown = run(a, "virsh", "-c", "qemu:///system", "dominfo", "nosuch");
        assertEquals(1, unknown.exitCode());
        assertEquals("error: failed to get domain 'nosuch'\n", unknown.stderr());
    }

    @Test
    void xlListUsesXensColumnsAndListsOnlyLiveDomains() throws Exception {
        String out = run(a, "xl", "list").stdout();
        List<String> lines = out.lines().toList();
        assertEquals("Name                                        ID   Mem VCPUs\tState\tTime(s)", lines.get(0));
        assertTrue(
                lines.get(1).startsWith("Domain-0                                     0  1024     2     r-----  "),
                lines.get(1));
        assertTrue(lines.get(2).matches("web {38}    1  6144     2     -b----  [ \\d]{6}\\.\\d"), lines.get(2));
        a.shutdownVm("mail");
        assertEquals(3, run(a, "xl", "list").stdout().lines().count());
    }

    /** Numbers replaced, so the shape of a real ping summary can be compared with the simulator's. */
    private static String shape(String text) {
        return text.replaceAll("\\d+(\\.\\d+)?", "N").replace(", +N errors", "");
    }

    @Test
    void pingSummaryHasTheRealShapeAnsweredAndLost() throws Exception {
        CommandResult answered = run(a, "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "10.99.0.2");
        assertEquals(0, answered.exitCode());
        assertEquals(shape(resource("real/ping-answered.txt")), shape(answered.stdout()));
        assertTrue(answered.stdout()
                .lines()
                .anyMatch(l -> l.matches("rtt min/avg/max/mdev = [\\d.]+/[\\d.]+/[\\d.]+/[\\d.]+ ms")));
        pair.apply(new Fault.LinkCut());
        CommandResult lost = run(a, "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "10.99.0.2");
        assertEquals(1, lost.exitCode());
        assertEquals(shape(resource("real/ping-lost.txt")), shape(lost.stdout()));
    }

    @Test
    void meminfoLinesHaveTheKernelsLayoutAndTheHostsMemory() throws Exception {
        String sim = a.read(Path.of("/proc/meminfo")).orElseThrow();
        List<String> realLabels = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .map(l -> l.substring(0, l.indexOf(':') + 1))
                .toList();
        Pattern kernelLayout = Pattern.compile("[A-Za-z_()]+: *\\d+( kB)?");
        for (String line : sim.lines().toList()) {
            assertTrue(kernelLayout.matcher(line).matches(), line);
            assertTrue(realLabels.contains(line.substring(0, line.indexOf(':') + 1)), line);
            assertEquals(24, line.replace(" kB", "").length(), "label padded to 16, value to 8: " + line);
        }
        assertTrue(sim.startsWith("MemTotal:       16303940 kB\n"), sim);
        long availableKiB = a.memoryAvailableKiB();
        assertTrue(sim.contains("MemAvailable:   " + String.format("%8d", availableKiB) + " kB\n"), sim);
        assertEquals(16_303_940 - 1_048_576 - 6_291_456 - 4_194_304, availableKiB);
        assertTrue(a.read(Path.of("/proc/nonexistent")).isEmpty());
    }

    @Test
    void anUnknownProgramIsNotFoundAndAKnownOneAskedForTooMuchSaysSo() throws Exception {
        CommandResult missing = run(a, "crm", "status");
        assertEquals(127, missing.exitCode());
        assertEquals("sh: 1: crm: not found\n", missing.stderr());
        CommandResult unsimulated = run(a, "virsh", "migrate", "web");
        assertEquals(1, unsimulated.exitCode());
        assertTrue(unsimulated.stderr().contains("not simulated"), unsimulated.stderr());
        CommandResult badPing = run(a, "ping", "-c", "three", "10.99.0.2");
        assertEquals(2, badPing.exitCode());
    }
}
