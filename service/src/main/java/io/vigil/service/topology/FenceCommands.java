package io.vigil.service.topology;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the survivor cuts a node's power (an IPMI or Redfish power-off) and confirms it: argv lists,
 * run without a shell by the survivor's executor. The power is confirmed off only when the status
 * command exits 0 and its output contains {@code offWhenOutputContains} ("Chassis Power is off").
 */
public record FenceCommands(
        List<String> powerOff, List<String> status, String offWhenOutputContains, Duration timeout) {
    public FenceCommands {
        powerOff = List.copyOf(powerOff);
        status = List.copyOf(status);
        Objects.requireNonNull(offWhenOutputContains, "offWhenOutputContains");
        Objects.requireNonNull(timeout, "timeout");
        if (powerOff.isEmpty() || status.isEmpty() || offWhenOutputContains.isEmpty()) {
            throw new IllegalArgumentException(
                    "a fence needs a power-off command, a status command and the status output that means off");
        }
    }
}
