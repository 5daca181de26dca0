package io.vigil.collectors.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.Body;
import io.vigil.events.DrbdResource;
import io.vigil.events.ReplicationState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcDrbdProbeTest {

    private static HostFiles proc(Optional<String> content) {
        return new HostFiles() {
            @Override
            public Optional<String> read(Path path) {
                return path.equals(ProcDrbdProbe.PROC_DRBD) ? content : Optional.empty();
            }

            @Override
            public List<String> list(Path directory) {
                return List.of();
            }
        };
    }

    @Test
    void namesMinorsThroughDrbdadmAndPublishesOneEventPerResource() throws Exception {
        FixtureCommandRunner runner = new FixtureCommandRunner()
                .answer(Command.of("drbdadm", "sh-resources"), "echo 'r0 r5 ../evil'")
                .answer(Command.of("drbdadm", "sh-minor", "r0"), "echo 0")
                .answer(Command.of("drbdadm", "sh-minor", "r5"), "echo 5");
        ProcDrbdProbe probe = new ProcDrbdProbe(
                proc(Optional.of(Clitest.resource("ganeti_proc_drbd84_sync.txt"))),
                runner,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));

        List<Body> first = probe.poll();
        List<Body> second = probe.poll();

        assertEquals(
                List.of("r0", "r5"),
                first.stream().map(b -> ((DrbdResource) b).resource()).toList());
        assertEquals(
                ReplicationState.SYNC_SOURCE,
                ((DrbdResource) first.get(1))
                        .connections()
                        .get(0)
                        .peerDevices()
                        .get(0)
                        .replication());
        assertEquals(first, second);
        assertEquals(
                1,
                runner.count(Command.of("drbdadm", "sh-resources")),
                "the mapping is looked up again only when the minors change");
        assertTrue(
                runner.ran.stream().noneMatch(c -> c.argv().contains("../evil")),
                "an invalid name is never passed to drbdadm");
    }

    @Test
    void fallsBackToMinorNWithoutDrbdadm() throws Exception {
        FixtureCommandRunner runner = new FixtureCommandRunner()
                .answer(Command.of("drbdadm", "sh-resources"), "echo 'drbdadm: command not found' >&2; exit 127");
        ProcDrbdProbe probe = new ProcDrbdProbe(
                proc(Optional.of(Clitest.resource("ganeti_proc_drbd83_sync.txt"))),
                runner,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));

        List<Body> events = probe.poll();

        assertEquals(
                List.of("minor-0", "minor-1", "minor-3", "minor-4"),
                events.stream().map(b -> ((DrbdResource) b).resource()).toList());
    }

    @Test
    void failsClearlyWithoutProcDrbd() {
        ProcDrbdProbe probe = new ProcDrbdProbe(
                proc(Optional.empty()), new FixtureCommandRunner(), Duration.ofSeconds(10), Duration.ofSeconds(5));

        ProbeException e = assertThrows(ProbeException.class, probe::poll);

        assertTrue(e.getMessage().contains("/proc/drbd does not exist"));
        assertEquals("drbd", probe.name());
    }
}
