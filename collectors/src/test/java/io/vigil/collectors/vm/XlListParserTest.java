package io.vigil.collectors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Hypervisor;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class XlListParserTest {
    @Test
    void readsGuestsAndLeavesTheHostOut() {
        ParseResult<VmStatus> result = XlListParser.parse("xl", VmFixtures.read("xl-list.txt"));
        assertTrue(result.clean(), result.problems().toString());
        List<VmStatus> vms = result.values();
        assertEquals(
                List.of("web", "mail", "db", "build", "legacy", "old", "idle"),
                vms.stream().map(VmStatus::name).toList());
        assertEquals(
                List.of(
                        VmState.IDLE,
                        VmState.RUNNING,
                        VmState.PAUSED,
                        VmState.IN_SHUTDOWN,
                        VmState.CRASHED,
                        VmState.DYING,
                        VmState.RUNNING),
                vms.stream().map(VmStatus::state).toList());
        VmStatus web = vms.get(0);
        assertEquals(Hypervisor.XEN, web.hypervisor());
        assertEquals(Optional.of(2048L * 1024 * 1024), web.memoryBytes());
        assertEquals(Optional.of(2), web.vcpus());
    }

    @Test
    void xlPrintsMemoryAndVcpusButNoMaximumSoTheMaximumIsUnknown() {
        List<VmStatus> vms =
                XlListParser.parse("xl", VmFixtures.read("xl-list.txt")).values();
        assertEquals(
                List.of(2048L, 1024L, 8192L, 1024L, 512L, 512L, 256L),
                vms.stream()
                        .map(vm -> vm.memoryBytes().orElseThrow() / (1024 * 1024))
                        .toList());
        assertEquals(
                List.of(2, 1, 4, 2, 1, 1, 1),
                vms.stream().map(vm -> vm.vcpus().orElseThrow()).toList());
        assertTrue(vms.stream().allMatch(vm -> vm.maxMemoryBytes().isEmpty()), vms.toString());
    }

    @Test
    void mostTellingFlagWins() {
        assertEquals(VmState.CRASHED, XlListParser.state("-b--c-"));
        assertEquals(VmState.PAUSED, XlListParser.state("-bp---"));
        assertEquals(VmState.RUNNING, XlListParser.state("rb----"));
    }

    @Test
    void garbledRowsAreNamedAndTheOthersKept() {
        String text = VmFixtures.read("xl-list.txt")
                .replace("-b----    4521.3", "-x----    4521.3")
                .replace(
                        "mail                                         5",
                        "mail;reboot                                  5")
                .replace(
                        "db                                           7  8192",
                        "db                                           7  lots");
        ParseResult<VmStatus> result = XlListParser.parse("xl", text);
        assertEquals(
                List.of("build", "legacy", "old", "idle"),
                result.values().stream().map(VmStatus::name).toList());
        assertEquals(
                List.of(3, 4, 5),
                result.problems().stream().map(ParseProblem::line).toList());
        assertTrue(
                result.problems().get(1).message().contains("not a valid name"),
                result.problems().get(1).toString());
    }

    @Test
    void virshOutputIsNotXlOutput() {
        ParseResult<VmStatus> result = XlListParser.parse("xl", VmFixtures.read("real-virsh-list-node.txt"));
        assertTrue(result.values().isEmpty());
        assertEquals(0, result.problems().get(0).line());
    }
}
