package io.vigil.events;

import java.util.List;
import java.util.Objects;

/** The agent's own sign of life, every few seconds: who it is, how long it has run, how its probes fare. */
public record Heartbeat(
        String agentVersion,
        long uptimeSeconds,
        List<ProbeHealth> probes,
        long memoryTotalBytes,
        long memoryAvailableBytes)
        implements Body {
    public Heartbeat {
        Objects.requireNonNull(agentVersion, "agentVersion");
        probes = List.copyOf(probes);
    }

    @Override
    public Subject subject() {
        return new Subject.Host();
    }

    @Override
    public EventKind kind() {
        return EventKind.HEARTBEAT;
    }
}
