package io.vigil.service.topology;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A cluster's failover policy.
 *
 * @param flapLimit       failovers allowed within {@code flapWindow}; the next is refused and a human paged
 * @param evacuateOn      alert names that start an evacuation while the local disk is still UpToDate (empty: off)
 * @param hostGoneAfter   a node unheard this long is treated as possibly gone: fenced, never assumed dead
 * @param stepTimeout     how long an action may take before it counts as timed out
 * @param stepRetries     how often a timed-out or failed step is tried again before the saga stops as stuck
 * @param shutdownTimeout how long a VM is given to shut down gracefully before it is destroyed
 */
public record FailoverPolicy(
        FailoverMode mode,
        FailbackPolicy failback,
        int flapLimit,
        Duration flapWindow,
        List<String> evacuateOn,
        Duration hostGoneAfter,
        Duration stepTimeout,
        int stepRetries,
        Duration shutdownTimeout) {
    public static final FailoverPolicy DEFAULT = new FailoverPolicy(
            FailoverMode.APPROVE,
            FailbackPolicy.MANUAL,
            3,
            Duration.ofHours(1),
            List.of(),
            Duration.ofSeconds(15),
            Duration.ofMinutes(2),
            2,
            Duration.ofMinutes(2));

    public FailoverPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(failback, "failback");
        evacuateOn = List.copyOf(evacuateOn);
        Objects.requireNonNull(flapWindow, "flapWindow");
        Objects.requireNonNull(hostGoneAfter, "hostGoneAfter");
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (flapLimit < 1 || stepRetries < 0) {
            throw new IllegalArgumentException("the flap limit must be at least 1 and the retries not negative");
        }
    }
}
