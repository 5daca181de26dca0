package io.vigil.collectors.vm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.LoggedLines;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.ProcessCommandRunner;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.schedule.ProbeHealthBoard;
import io.vigil.collectors.schedule.ProbeScheduler;
import io.vigil.collectors.vm.VirshListParser.Domain;
import io.vigil.events.Body;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.ProbeHealth;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real virsh against libvirt's built-in test driver (no daemon): the default node, and a node
 * file this test writes with domains of its choosing, one of them shut off and one paused.
 */
class VmProbeRealVirshTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
    private static final String WEB_UUID = "11111111-2222-3333-4444-555555555555";
    private static String uri;

    @BeforeAll
    static void virshIsInstalledAndANodeFileIsWritten() throws Exception {
        try {
            RUNNER.run(Command.of("virsh", "--version"), TIMEOUT);
        } catch (CommandException e) {
            fail("virsh is not installed (" + e.getMessage() + "): run apt-get install -y libvirt-clients");
        }
        Path dir = Files.createDirectories(
                Path.of("target", "vm-test", UUID.randomUUID().toString()));
        Path node = dir.resolve("node.xml").toAbsolutePath();
        Files.writeString(node, """
                <node>
                  <domain type='test'>
                    <name>web</name>
                    <uuid>%s</uuid>
                    <memory>2097152</memory>
                    <currentMemory>1048576</currentMemory>
                    <vcpu>2</vcpu>
                    <os><type>hvm</type></os>
                  </domain>
                  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
                    <name>mail</name>
                    <memory>524288</memory>
                    <vcpu>1</vcpu>
                    <os><type>hvm</type></os>
                    <test:runstate>3</test:runstate>
                  </domain>
                  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
                    <name>backup</name>
                    <memory>1048576</memory>
                    <vcpu>1</vcpu>
                    <os><type>hvm</type></os>
                    <test:runstate>5</test:runstate>
                  </domain>
                </node>
                """.formatted(WEB_UUID));
        uri = "test://" + node;
    }

    private static VmProbe.Settings settings(String uri, Map<String, String> vmToResource, Set<String> guestAgent) {
        return new VmProbe.Settings(
                Hypervisor.LIBVIRT,
                uri,
                vmToResource,
                vmToResource.keySet(),
                guestAgent,
                Duration.ofSeconds(10),
                TIMEOUT);
    }

    @Test
    void readsTheDefaultTestNode() throws Exception {
        CommandResult result = RUNNER.run(Command.of("virsh", "-c", "test:///default", "list", "--all"), TIMEOUT);
        assertEquals(0, result.exitCode(), result.stderr());
        ParseResult<Domain> parsed = VirshListParser.parse("virsh list", result.stdout());
        assertTrue(parsed.clean(), parsed.problems().toString());
        assertEquals(List.of(new Domain(Optional.of(1), "test", VmState.RUNNING)), parsed.values());
    }

    @Test
    void probeReportsEachDomainWithDominfoResourcesLivenessAndTheMissingOne() throws Exception {
        VmProbe probe = new VmProbe(
                RUNNER,
                settings(
                        uri,
                        Map.of("web", "r0", "backup", "r0", "mail", "r1", "ghost", "r1"),
                        Set.of("web", "backup")));

        Map<String, VmStatus> vms = probe.poll().stream()
                .map(VmStatus.class::cast)
                .collect(Collectors.toMap(VmStatus::name, Function.identity()));

        assertEquals(Set.of("web", "mail", "backup", "ghost"), vms.keySet());
        VmStatus web = vms.get("web");
        assertEquals(VmState.RUNNING, web.state());
        assertEquals(Optional.of(WEB_UUID), web.uuid());
        assertEquals(Optional.of(1048576L * 1024), web.memoryBytes());
        assertEquals(Optional.of(2097152L * 1024), web.maxMemoryBytes());
        assertEquals(Optional.of(2), web.vcpus());
        assertEquals(Optional.of("r0"), web.drbdResource());
        // the test driver has no guest agent, so the real qemu-agent-command fails: not responding
        assertEquals(Liveness.NOT_RESPONDING, web.liveness());

        VmStatus backup = vms.get("backup");
        assertEquals(VmState.SHUT_OFF, backup.state());
        assertEquals(Liveness.NOT_CHECKED, backup.liveness(), "a shut-off VM is not pinged");
        assertEquals(Optional.of(1048576L * 1024), backup.maxMemoryBytes());

        assertEquals(VmState.PAUSED, vms.get("mail").state());
        assertEquals(Liveness.NOT_CHECKED, vms.get("mail").liveness());

        VmStatus ghost = vms.get("ghost");
        assertEquals(VmState.MISSING, ghost.state());
        assertEquals(Optional.of("r1"), ghost.drbdResource());
        // libvirt does not list it: nothing reported its figures
        assertEquals(Optional.empty(), ghost.memoryBytes(), ghost.toString());
        assertEquals(Optional.empty(), ghost.maxMemoryBytes(), ghost.toString());
        assertEquals(Optional.empty(), ghost.vcpus(), ghost.toString());
    }

    @Test
    void aVmWhoseDominfoFailsIsReportedFromTheListWithItsFiguresUnknownNotZero() throws Exception {
        // the real virsh, but dominfo of mail fails as virsh fails it when libvirtd drops the call
        CommandRunner dominfoOfMailFails = new CommandRunner() {
            @Override
            public CommandResult run(Command command, Duration timeout) throws CommandException {
                if (command.argv().contains("dominfo") && command.argv().contains("mail")) {
                    return new CommandResult(
                            command,
                            1,
                            "",
                            "error: failed to get domain 'mail'\nerror: internal error: client socket is closed\n",
                            Duration.ofMillis(5));
                }
                return RUNNER.run(command, timeout);
            }

            @Override
            public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
                return RUNNER.start(command, lines);
            }
        };
        VmProbe probe = new VmProbe(dominfoOfMailFails, settings(uri, Map.of("web", "r0", "mail", "r1"), Set.of()));

        Map<String, VmStatus> vms = probe.poll().stream()
                .map(VmStatus.class::cast)
                .collect(Collectors.toMap(VmStatus::name, Function.identity()));

        VmStatus mail = vms.get("mail");
        assertEquals(VmState.PAUSED, mail.state(), "from the list");
        assertEquals(Optional.empty(), mail.memoryBytes(), mail.toString());
        assertEquals(Optional.empty(), mail.maxMemoryBytes(), mail.toString());
        assertEquals(Optional.empty(), mail.vcpus(), mail.toString());
        assertEquals(Optional.of(1048576L * 1024), vms.get("web").memoryBytes(), "web's dominfo answered");
    }

    @Test
    void aLastingConditionOfAVmIsLoggedOnceNotOnEveryPoll() {
        VmProbe probe = new VmProbe(RUNNER, settings(uri, Map.of("web", "r0", "ghost", "r1"), Set.of("web")));
        List<String> said = logged(() -> {
            for (int i = 0; i < 3; i++) {
                assertEquals(4, probe.poll().size());
            }
        });
        assertEquals(2, said.size(), said.toString());
        // the test driver has no guest agent
        assertTrue(
                said.get(0)
                        .startsWith(
                                "vm: vm=web guest agent did not answer: 'virsh -c " + uri + " qemu-agent-command web "),
                said.get(0));
        assertEquals("vm: vm=ghost resource=r1 is configured but libvirt does not list it", said.get(1));
    }

    @Test
    void aVmAtHomeOnThePeerIsNotMissingHere() throws Exception {
        // "ghost" belongs to a resource whose home is the peer: absent here is the normal case
        VmProbe probe = new VmProbe(
                RUNNER,
                new VmProbe.Settings(
                        Hypervisor.LIBVIRT,
                        uri,
                        Map.of("web", "r0", "ghost", "r1"),
                        Set.of("web"),
                        Set.of(),
                        Duration.ofSeconds(10),
                        TIMEOUT));

        Set<String> names = probe.poll().stream()
                .map(VmStatus.class::cast)
                .map(VmStatus::name)
                .collect(Collectors.toSet());

        assertEquals(Set.of("web", "mail", "backup"), names);
    }

    @Test
    void aRealStateChangeIsReadAndTheLineAroundItDoesNotSpoilTheList() throws Exception {
        // the test driver keeps state for one virsh process, so destroy and list run in one call
        CommandResult result = RUNNER.run(Command.of("virsh", "-c", uri, "destroy web; list --all"), TIMEOUT);
        ParseResult<Domain> parsed = VirshListParser.parse("virsh", result.stdout());
        Map<String, VmState> states = parsed.values().stream().collect(Collectors.toMap(Domain::name, Domain::state));
        assertEquals(Map.of("web", VmState.SHUT_OFF, "mail", VmState.PAUSED, "backup", VmState.SHUT_OFF), states);
        assertEquals(1, parsed.problems().size(), "the 'Domain destroyed' line is not a row");
        assertTrue(
                parsed.problems().get(0).text().contains("destroyed"),
                parsed.problems().toString());
    }

    @Test
    void aHypervisorThatCannotBeReachedFailsThePollWithVirshsReason() {
        VmProbe probe = new VmProbe(RUNNER, settings("test:///nonexistent/vigil/node.xml", Map.of(), Set.of()));
        ProbeException e = assertThrows(ProbeException.class, probe::poll);
        assertTrue(
                e.getMessage()
                                .startsWith(
                                        "'virsh -c test:///nonexistent/vigil/node.xml list --all' exited with status 1: ")
                        && e.getMessage().contains("error: failed to connect to the hypervisor"),
                e.getMessage());
    }

    @Test
    void aHostWithoutLibvirtIsACommandFailureInVirshsOwnWordsNotUnreadableOutput() {
        // virsh's real answer on a host where libvirtd does not run: exit 1, nothing on stdout
        String stderr = VmFixtures.read("real-virsh-list-no-libvirtd.stderr");
        CommandRunner noLibvirtd = new CommandRunner() {
            @Override
            public CommandResult run(Command command, Duration timeout) {
                return new CommandResult(command, 1, "", stderr, Duration.ofMillis(20));
            }

            @Override
            public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
                throw new CommandException(command, "not used", false, null);
            }
        };
        VmProbe probe = new VmProbe(noLibvirtd, settings("qemu:///system", Map.of("web", "r0"), Set.of()));
        List<String> said = logged(() -> assertEquals(
                "'virsh -c qemu:///system list --all' exited with status 1: "
                        + "error: failed to connect to the hypervisor; "
                        + "error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
                assertThrows(ProbeException.class, probe::poll).getMessage()));
        assertEquals(List.of(), said, "the failure is the poll's to report, once, through the probe board");
    }

    @Test
    void anUnreachableHypervisorIsLoggedOnceAgainWhenItsReasonChangesAndWhenItRecovers() throws Exception {
        Path node = Files.createDirectories(
                        Path.of("target", "vm-test", UUID.randomUUID().toString()))
                .resolve("node.xml")
                .toAbsolutePath();
        VmProbe probe = new VmProbe(
                RUNNER,
                new VmProbe.Settings(
                        Hypervisor.LIBVIRT,
                        "test://" + node,
                        Map.of("web", "r0"),
                        Set.of("web"),
                        Set.of(),
                        Duration.ofMillis(50),
                        TIMEOUT));
        ProbeHealthBoard board = new ProbeHealthBoard(new SimpleMeterRegistry(), "pair-1", "node-a", Clock.systemUTC());
        Queue<Body> emitted = new ConcurrentLinkedQueue<>();
        List<String> said = logged(() -> {
            try (ProbeScheduler scheduler = new ProbeScheduler(
                    List.of(probe),
                    emitted::add,
                    board,
                    new ProbeScheduler.Timing(
                            Duration.ofMillis(10),
                            Duration.ofMillis(10),
                            Duration.ofMillis(100),
                            Duration.ofSeconds(5)))) {
                scheduler.start();
                // no node file: virsh cannot connect
                await().atMost(TIMEOUT)
                        .until(() -> board.health("vm").orElseThrow().consecutiveFailures() >= 3);
                ProbeHealth failing = board.health("vm").orElseThrow();
                assertFalse(failing.healthy());
                assertTrue(
                        failing.lastError().orElseThrow().contains("failed to parse xml document"), failing.toString());
                assertEquals(List.of(), List.copyOf(emitted), "VM state unknown: neither 'no VMs' nor 'web missing'");

                // another reason: a node file virsh refuses
                replace(node, "<node><domain type='test'></domain></node>");
                await().atMost(TIMEOUT)
                        .until(() -> board.health("vm")
                                .orElseThrow()
                                .lastError()
                                .orElseThrow()
                                .contains("missing name information"));
                long failures = board.health("vm").orElseThrow().consecutiveFailures();
                await().atMost(TIMEOUT)
                        .until(() -> board.health("vm").orElseThrow().consecutiveFailures() >= failures + 3);

                // libvirt answers
                replace(
                        node,
                        "<node><domain type='test'><name>web</name><memory>1024</memory><os><type>hvm</type></os></domain></node>");
                await().atMost(TIMEOUT)
                        .until(() -> board.health("vm").orElseThrow().healthy());
            }
        });
        assertEquals(3, said.size(), said.toString());
        assertTrue(
                said.get(0)
                                .startsWith("probe vm failing: 'virsh -c test://" + node
                                        + " list --all' exited with status 1: ")
                        && said.get(0).contains("failed to parse xml document"),
                said.get(0));
        assertTrue(
                said.get(1)
                                .startsWith("probe vm still failing, now: 'virsh -c test://" + node
                                        + " list --all' exited with status 1: ")
                        && said.get(1)
                                .endsWith(
                                        "error: failed to connect to the hypervisor; error: missing name information"),
                said.get(1));
        assertTrue(said.get(2).startsWith("probe vm recovered after "), said.get(2));
    }

    private static void replace(Path file, String content) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** What the probe and its board logged while {@code action} ran. */
    private static List<String> logged(Action action) {
        try (LoggedLines logged = LoggedLines.of(VmProbe.class, ProbeHealthBoard.class)) {
            action.run();
            return logged.lines();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void refusesUnsafeUrisAndNames() {
        for (String bad :
                List.of("", "-c qemu:///system", "qemu:///system --readonly", "qemu:///sys\ntem", "--help", "qemu")) {
            assertThrows(IllegalArgumentException.class, () -> settings(bad, Map.of(), Set.of()), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> settings("qemu:///system", Map.of("-web", "r0"), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> settings("qemu:///system", Map.of(), Set.of("web mail")));
        settings("qemu+ssh://root@node-b/system?keyfile=/etc/vigil/id", Map.of(), Set.of());
        new VmProbe.Settings(Hypervisor.XEN, "", Map.of(), Set.of(), Set.of(), Duration.ofSeconds(1), TIMEOUT);
    }
}
