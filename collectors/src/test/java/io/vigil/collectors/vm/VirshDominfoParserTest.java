package io.vigil.collectors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.vm.VirshDominfoParser.DomainInfo;
import io.vigil.events.VmState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirshDominfoParserTest {
    @Test
    void readsRealDominfoOfARunningDomain() {
        ParseResult<DomainInfo> result =
                VirshDominfoParser.parse("dominfo", VmFixtures.read("real-virsh-dominfo-running.txt"));
        assertTrue(result.clean(), result.problems().toString());
        assertEquals(
                new DomainInfo(
                        "web",
                        Optional.of("11111111-2222-3333-4444-555555555555"),
                        VmState.RUNNING,
                        2,
                        2097152L * 1024,
                        1048576L * 1024),
                result.values().get(0));
    }

    @Test
    void readsRealDominfoOfAShutOffDomain() {
        DomainInfo info = VirshDominfoParser.parse("dominfo", VmFixtures.read("real-virsh-dominfo-shut-off.txt"))
                .values()
                .get(0);
        assertEquals("backup", info.name());
        assertEquals(VmState.SHUT_OFF, info.state());
        assertEquals(524288L * 1024, info.maxMemoryBytes());
    }

    @Test
    void aMissingOrGarbledNeededKeyIsNamed() {
        String text = VmFixtures.read("real-virsh-dominfo-running.txt")
                .replace("Used memory:    1048576 KiB", "Used memory:    lots")
                .replace("CPU(s):         2\n", "");
        ParseResult<DomainInfo> result = VirshDominfoParser.parse("dominfo", text);
        assertTrue(result.values().isEmpty());
        assertEquals(2, result.problems().size(), result.problems().toString());
        assertTrue(
                result.problems().get(0).message().contains("'CPU(s):' is missing"),
                result.problems().toString());
        assertTrue(
                result.problems().get(1).message().startsWith("Used memory:"),
                result.problems().toString());
        assertEquals(8, result.problems().get(1).line());
    }

    @Test
    void hostileNameIsRefused() {
        String text =
                VmFixtures.read("real-virsh-dominfo-running.txt").replace("Name:           web", "Name:           -rf");
        ParseResult<DomainInfo> result = VirshDominfoParser.parse("dominfo", text);
        assertTrue(result.values().isEmpty());
        assertTrue(
                result.problems().get(0).message().startsWith("Name:"),
                result.problems().toString());
    }
}
