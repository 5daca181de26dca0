package io.vigil.lab;

import io.vigil.service.config.DurationText;
import io.vigil.sim.Fault;
import io.vigil.sim.SimulatedPair;
import java.time.Duration;

/** A fault to inject {@code at} after the lab has started, as {@code vigil lab --fault '10s=disk-fail node-a /dev/sda'} gives it. */
public record ScheduledFault(Duration at, Fault fault) {
    /**
     * Reads "AT=FAULT" and checks it against the lab it is meant for: the fault's kind and words,
     * and that the hosts, disks and VMs it names exist there. Whether the fault applies in the
     * state the lab will be in when it is due is only known then. Throws IllegalArgumentException
     * saying what is wrong.
     */
    public static ScheduledFault parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected AT=FAULT, e.g. '10s=disk-fail node-a /dev/sda'");
        }
        Duration at = DurationText.parse(text.substring(0, eq).strip());
        String line = text.substring(eq + 1).strip();
        if (line.isEmpty()) {
            throw new IllegalArgumentException(
                    "no fault after '='; expected AT=FAULT, e.g. '10s=disk-fail node-a /dev/sda'");
        }
        Fault fault = Fault.parse(line);
        SimulatedPair.seed().checkNames(fault);
        return new ScheduledFault(at, fault);
    }
}
