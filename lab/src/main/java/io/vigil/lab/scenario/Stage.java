package io.vigil.lab.scenario;

import io.vigil.sim.SimulatedPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A story being played, as one who watches it sees it: the simulated pair's ground truth, the
 * story's clock, the invariants broken so far, and what was paged. The deterministic rig and the
 * live lab both are one, so the same watch (a chaos run's) judges a story played on either.
 */
public interface Stage {
    SimulatedPair pair();

    /** The story's clock: the simulated one on the rig, the wall clock on the live lab. */
    Instant now();

    double secondsSinceStart(Instant at);

    /** The safety invariants broken so far, each with where. */
    List<String> violations();

    /** Every page so far, oldest first: what a human was sent (or, on the rig, would have been sent). */
    List<Paged> paged();

    /** Whether an engine instance is running that can page now: false while a killed one's successor starts. */
    boolean engineServing();

    /**
     * One record of a page: {@code key} names the alert across its records (its fingerprint, or
     * its name and labels where only a receiver's payload is known); {@code firing} is false for a
     * resolve, or for a record that was held back (silenced or inhibited); {@code resolved} is true
     * for a resolve only (what a human is told when it is over).
     */
    record Paged(String key, Map<String, String> labels, Instant at, boolean firing, boolean resolved) {
        public Paged {
            labels = Map.copyOf(labels);
        }
    }
}
