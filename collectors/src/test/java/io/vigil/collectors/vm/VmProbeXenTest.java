package io.vigil.collectors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.Hypervisor;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Xen does not run here: the probe against a host that answers xl list from the hand-written fixture. */
class VmProbeXenTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static CommandRunner xlHost(int exit, String stdout, String stderr) {
        return new CommandRunner() {
            @Override
            public CommandResult run(Command command, Duration timeout) throws CommandException {
                if (!command.argv().equals(List.of("xl", "list"))) {
                    throw new CommandException(command, "cannot start: not expected here", false, null);
                }
                return new CommandResult(command, exit, stdout, stderr, Duration.ZERO);
            }

            @Override
            public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
                throw new CommandException(command, "not used", false, null);
            }
        };
    }

    private static VmProbe.Settings xen(Map<String, String> vmToResource) {
        return new VmProbe.Settings(Hypervisor.XEN, "", vmToResource, vmToResource.keySet(), Set.of(), SECOND, SECOND);
    }

    @Test
    void reportsXenGuestsWithResourcesAndTheMissingOnes() throws Exception {
        VmProbe probe =
                new VmProbe(xlHost(0, VmFixtures.read("xl-list.txt"), ""), xen(Map.of("web", "r0", "gone", "r1")));
        List<VmStatus> vms = probe.poll().stream().map(VmStatus.class::cast).toList();
        assertEquals(8, vms.size());
        assertEquals(Optional.of("r0"), vms.get(0).drbdResource());
        VmStatus gone = vms.get(7);
        assertEquals("gone", gone.name());
        assertEquals(VmState.MISSING, gone.state());
        // the hypervisor does not list it: its figures are unknown, not 0
        assertEquals(Optional.empty(), gone.memoryBytes(), gone.toString());
        assertEquals(Optional.empty(), gone.maxMemoryBytes(), gone.toString());
        assertEquals(Optional.empty(), gone.vcpus(), gone.toString());
        assertEquals(Optional.of(2048L << 20), vms.get(0).memoryBytes());
        assertEquals(Optional.empty(), vms.get(0).maxMemoryBytes(), "xl list prints no maximum");
        assertTrue(vms.stream().noneMatch(vm -> vm.name().equals("Domain-0")));
    }

    @Test
    void failsWhenXlCannotListDomains() {
        VmProbe probe = new VmProbe(
                xlHost(
                        1,
                        "",
                        "xencall: error: Could not obtain handle on privileged command interface: No such file or directory\n"),
                xen(Map.of()));
        ProbeException e = assertThrows(ProbeException.class, probe::poll);
        assertTrue(e.getMessage().contains("privileged command interface"), e.getMessage());
    }
}
