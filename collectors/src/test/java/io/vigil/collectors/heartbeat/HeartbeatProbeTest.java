package io.vigil.collectors.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.ManualClock;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.command.LocalHostFiles;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.Heartbeat;
import io.vigil.events.ProbeHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeartbeatProbeTest {
    private static final List<ProbeHealth> HEALTH =
            List.of(new ProbeHealth("lvm", true, 0, Optional.empty(), Optional.empty()));

    /** Answers /proc/meminfo with the given text, as a lab host would. */
    private static HostFiles meminfo(String text) {
        return new HostFiles() {
            @Override
            public Optional<String> read(Path path) {
                return path.equals(Path.of("/proc/meminfo")) ? Optional.of(text) : Optional.empty();
            }

            @Override
            public List<String> list(Path directory) {
                return List.of();
            }
        };
    }

    @Test
    void readsThisMachinesRealMeminfo() throws Exception {
        String real = Files.readString(Path.of("/proc/meminfo"));
        long totalKb = real.lines()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
        HeartbeatProbe probe =
                new HeartbeatProbe(new LocalHostFiles(), () -> HEALTH, Duration.ofSeconds(5), Clock.systemUTC());
        Heartbeat heartbeat = (Heartbeat) probe.poll().get(0);
        assertEquals(totalKb * 1024, heartbeat.memoryTotalBytes());
        assertTrue(heartbeat.memoryAvailableBytes() > 0
                && heartbeat.memoryAvailableBytes() <= heartbeat.memoryTotalBytes());
        assertEquals("dev", heartbeat.agentVersion());
        assertEquals(HEALTH, heartbeat.probes());
    }

    @Test
    void countsUptimeFromItsStartAndCarriesTheBoardsHealth() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-24T21:00:00Z"));
        HeartbeatProbe probe = new HeartbeatProbe(
                meminfo("MemTotal:        8000 kB\nMemFree: 10 kB\nMemAvailable:    6000 kB\n"),
                () -> HEALTH,
                Duration.ofSeconds(5),
                clock);
        clock.advance(Duration.ofSeconds(93));
        assertEquals(List.of(new Heartbeat("dev", 93, HEALTH, 8_192_000, 6_144_000)), probe.poll());
        assertEquals(Duration.ofSeconds(2), probe.timeout());
        assertEquals("heartbeat", probe.name());
    }

    @Test
    void saysWhichLineOfAGarbledMeminfoItCouldNotRead() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new HeartbeatProbe(
                                meminfo("MemTotal:  8000 kB\nMemFree: 1 kB\nMemAvailable: lots kB\n"),
                                List::of,
                                Duration.ofSeconds(5),
                                Clock.systemUTC())
                        .poll());
        assertEquals("/proc/meminfo:3: 'MemAvailable: lots kB' is not '<field>: <number> kB'", e.getMessage());
    }

    @Test
    void refusesAMeminfoInOtherUnits() {
        ProbeException e =
                assertThrows(ProbeException.class, () -> Meminfo.parse("/proc/meminfo", "MemTotal: 8000 MB\n"));
        assertEquals("/proc/meminfo:1: 'MemTotal: 8000 MB' is not '<field>: <number> kB'", e.getMessage());
    }

    @Test
    void saysWhatIsMissingFromAnOldOrTruncatedMeminfo() {
        ProbeException e = assertThrows(
                ProbeException.class, () -> Meminfo.parse("/proc/meminfo", "MemTotal: 8000 kB\nMemFree: 10 kB\n"));
        assertEquals(
                "/proc/meminfo: no MemAvailable line (is this /proc/meminfo of Linux 3.14 or later?)", e.getMessage());
        ProbeException binary =
                assertThrows(ProbeException.class, () -> Meminfo.parse("/proc/meminfo", "\u0000\u0001garbage"));
        assertEquals(
                "/proc/meminfo: no MemTotal line (is this /proc/meminfo of Linux 3.14 or later?)", binary.getMessage());
    }

    @Test
    void saysWhenMeminfoIsAbsent() {
        HostFiles none = new HostFiles() {
            @Override
            public Optional<String> read(Path path) {
                return Optional.empty();
            }

            @Override
            public List<String> list(Path directory) {
                return List.of();
            }
        };
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new HeartbeatProbe(none, List::of, Duration.ofSeconds(5), Clock.systemUTC()).poll());
        assertEquals("/proc/meminfo: not found (is /proc mounted?)", e.getMessage());
    }
}
