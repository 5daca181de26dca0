package io.vigil.collectors.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The readers behind DrbdConnection.latency: the peer IP, ping's summary, debugfs oldest_requests. */
class ReplicationLatencyReadersTest {

    @Test
    void takesOnlyPlainIpsFromPathAddresses() {
        assertEquals(Optional.of("10.0.0.2"), PeerAddress.ipOf("ipv4:10.0.0.2:7789"));
        assertEquals(Optional.of("fd00::2"), PeerAddress.ipOf("ipv6:[fd00::2]:7789"));
        assertEquals(Optional.of("::ffff:10.0.0.2"), PeerAddress.ipOf("ipv6:[::ffff:10.0.0.2]:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ipv4:10.0.0.256:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ipv4:-f:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ipv4:1.2.3:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ipv6:[fe80::1%eth0]:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ipv6:[1::2::3]:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ssocks:10.0.0.2:7789"));
        assertEquals(Optional.empty(), PeerAddress.ipOf("ipv4:node-b.example:7789"));
    }

    @Test
    void readsTheAverageRoundTripOfRealPing() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping")),
                "ping (iputils-ping) not installed");
        CommandResult result = new ProcessCommandRunner()
                .run(
                        Command.of("ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "127.0.0.1"),
                        Duration.ofSeconds(10));
        assumeTrue(result.exitCode() == 0, () -> "ping cannot run here: " + result.stderr());

        Optional<Double> rtt = PingSummary.averageSeconds(result.stdout());

        assertTrue(rtt.isPresent(), result.stdout());
        assertTrue(rtt.get() > 0 && rtt.get() < 0.1, "loopback answers in well under 100 ms: " + rtt.get());
    }

    @Test
    void readsTheDocumentedSummaryLines() {
        // iputils-ping output captured on this machine (ping -n -q -c 3 -i 0.2 -W 1 127.0.0.1)
        String iputils = "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n\n--- 127.0.0.1 ping statistics ---\n"
                + "3 packets transmitted, 3 received, 0% packet loss, time 408ms\n"
                + "rtt min/avg/max/mdev = 0.026/0.087/0.140/0.047 ms\n";
        String busybox = "--- 10.0.0.2 ping statistics ---\n3 packets transmitted, 3 packets received, 0% packet loss\n"
                + "round-trip min/avg/max = 0.100/0.250/0.400 ms\n";
        String lost =
                "--- 10.0.0.9 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2040ms\n";

        assertEquals(Optional.of(0.087 / 1000), PingSummary.averageSeconds(iputils));
        assertEquals(Optional.of(0.25 / 1000), PingSummary.averageSeconds(busybox));
        assertEquals(Optional.empty(), PingSummary.averageSeconds(lost));
    }

    @Test
    void readsTheOldestRequestAgeFromDebugfs() {
        // hand-written in the layout of DRBD 9's drbd_debugfs.c (connection_oldest_requests_show):
        // "v: 0", a blank line, then minor, vnr, epoch, sector, size, rw, age in ms, ..., state
        String twoRequests = "v: 0\n\n"
                + "0\t0\t0x2a\t2048\t8\tW\t1250\t0x00000021\tmaster: pending\tlocal: in-AL completed ok\tnet[1]: queued : C\n"
                + "0\t0\t0x29\t1024\t8\tW\t3400\t0x00000021\tmaster: pending\tlocal: in-AL completed ok\tnet[1]: sent : C\n";

        assertEquals(Optional.of(3.4), OldestRequests.oldestAgeSeconds(twoRequests));
        assertEquals(Optional.of(0.0), OldestRequests.oldestAgeSeconds("v: 0\n\n"), "nothing in flight");
        assertEquals(Optional.empty(), OldestRequests.oldestAgeSeconds("v: 1\n\n0\t0\tnew layout\n"));
        assertEquals(Optional.empty(), OldestRequests.oldestAgeSeconds("garbage"));
    }
}
