package io.vigil.collectors.heartbeat;

import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.Body;
import io.vigil.events.Heartbeat;
import io.vigil.events.ProbeHealth;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The agent's sign of life: its version, how long it has run, how each probe fares and the host's
 * memory. Its absence is what the engine's NodeSilent rule watches, so it is as cheap as a poll
 * can be: one small kernel file.
 */
public final class HeartbeatProbe implements PolledProbe {
    public static final String NAME = "heartbeat";
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(2);

    private final HostFiles files;
    private final Supplier<List<ProbeHealth>> probeHealth;
    private final Duration interval;
    private final Clock clock;
    private final Instant started;
    private final String version;

    /** @param probeHealth usually {@code board::snapshot} of the scheduler's ProbeHealthBoard */
    public HeartbeatProbe(HostFiles files, Supplier<List<ProbeHealth>> probeHealth, Duration interval, Clock clock) {
        this.files = Objects.requireNonNull(files, "files");
        this.probeHealth = Objects.requireNonNull(probeHealth, "probeHealth");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.started = clock.instant();
        this.version = agentVersion();
    }

    /** The jar manifest's Implementation-Version, or "dev" when run from classes (tests, IDE). */
    public static String agentVersion() {
        String version = HeartbeatProbe.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Duration timeout() {
        return interval.compareTo(MAX_TIMEOUT) < 0 ? interval : MAX_TIMEOUT;
    }

    @Override
    public List<Body> poll() throws ProbeException {
        String text;
        try {
            text = files.read(MEMINFO)
                    .orElseThrow(() -> new ProbeException(MEMINFO + ": not found (is /proc mounted?)"));
        } catch (IOException e) {
            throw new ProbeException(MEMINFO + ": cannot be read: " + e.getMessage(), e);
        }
        Meminfo memory = Meminfo.parse(MEMINFO.toString(), text);
        long uptime = Math.max(0, Duration.between(started, clock.instant()).toSeconds());
        return List.of(new Heartbeat(version, uptime, probeHealth.get(), memory.totalBytes(), memory.availableBytes()));
    }
}
