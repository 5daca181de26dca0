package io.vigil.collectors.probe;

import io.vigil.events.Body;
import java.time.Duration;
import java.util.List;

/**
 * A probe the scheduler runs every {@link #interval()}. One poll either returns the facts it
 * read or throws {@link ProbeException} saying what failed; the scheduler records the failure in
 * the probe's health and carries on.
 */
public non-sealed interface PolledProbe extends Probe {
    Duration interval();

    /** How long the tools of one poll may run before they are killed. */
    Duration timeout();

    List<Body> poll() throws ProbeException, InterruptedException;
}
