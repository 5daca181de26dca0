package io.vigil.collectors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.vm.VirshListParser.Domain;
import io.vigil.events.Body;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirshListParserTest {
    @Test
    void readsRealListOfTheTestDriver() {
        ParseResult<Domain> result = VirshListParser.parse("list", VmFixtures.read("real-virsh-list-node.txt"));
        assertTrue(result.clean(), result.problems().toString());
        assertEquals(
                List.of(
                        new Domain(Optional.of(1), "web", VmState.RUNNING),
                        new Domain(Optional.of(2), "mail", VmState.PAUSED),
                        new Domain(Optional.empty(), "backup", VmState.SHUT_OFF)),
                result.values());
    }

    @Test
    void readsEveryStateIncludingTheTwoWordOnes() {
        ParseResult<Domain> result = VirshListParser.parse("list", VmFixtures.read("virsh-list-all-states.txt"));
        assertTrue(result.clean(), result.problems().toString());
        assertEquals(
                List.of(
                        VmState.RUNNING,
                        VmState.IDLE,
                        VmState.PAUSED,
                        VmState.IN_SHUTDOWN,
                        VmState.PM_SUSPENDED,
                        VmState.CRASHED,
                        VmState.SHUT_OFF,
                        VmState.SHUT_OFF),
                result.values().stream().map(Domain::state).toList());
        assertEquals("template.el9", result.values().get(7).name());
        assertEquals(Optional.empty(), result.values().get(7).id());
    }

    @Test
    void badRowsAreNamedAndTheOthersKept() {
        String text = VmFixtures.read("virsh-list-all-states.txt")
                .replace(" 3    db            paused", " 3    db            exploded")
                .replace(" 4    build         in shutdown", " x    build         in shutdown")
                .replace(" 7    win10  ", " 7    $(reboot)");
        ParseResult<Domain> result = VirshListParser.parse("list", text);
        assertEquals(
                List.of("web", "mail", "legacy", "backup", "template.el9"),
                result.values().stream().map(Domain::name).toList());
        assertEquals(
                List.of(5, 6, 7),
                result.problems().stream().map(ParseProblem::line).toList());
        assertTrue(result.problems().get(0).message().contains("unknown domain state"));
        assertTrue(
                result.problems().get(2).message().contains("not a valid name"),
                result.problems().get(2).message());
    }

    @Test
    void textThatIsNotAListIsAProblem() {
        ParseResult<Domain> result = VirshListParser.parse("x", "error: failed to connect to the hypervisor\n");
        assertTrue(result.values().isEmpty());
        assertEquals(0, result.problems().get(0).line());
        assertEquals(1, result.problems().get(1).line());
    }

    @Test
    void toEventsGivesOneVmEventPerRow() {
        ParseResult<Body> events = VirshListParser.toEvents("list", VmFixtures.read("real-virsh-list-default.txt"));
        VmStatus vm = (VmStatus) events.values().get(0);
        assertEquals("test", vm.name());
        assertEquals(VmState.RUNNING, vm.state());
    }

    @Test
    void theListAloneLeavesMemoryAndVcpusUnknownNotZero() {
        // virsh list prints id, name and state only: the figures come from dominfo, which a parsed capture has not
        for (String capture : List.of("real-virsh-list-node.txt", "public/libvirt_virshtest-lifecycle-list.txt")) {
            ParseResult<Body> events = VirshListParser.toEvents(capture, VmFixtures.read(capture));
            assertTrue(events.clean(), events::problemsText);
            assertTrue(!events.values().isEmpty(), capture);
            for (Body body : events.values()) {
                VmStatus vm = (VmStatus) body;
                assertEquals(Optional.empty(), vm.memoryBytes(), capture + ": " + vm);
                assertEquals(Optional.empty(), vm.maxMemoryBytes(), capture + ": " + vm);
                assertEquals(Optional.empty(), vm.vcpus(), capture + ": " + vm);
            }
        }
    }
}
