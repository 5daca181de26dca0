package io.vigil.lab.view;

import io.vigil.sim.FaultOutcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The faults the lab was given (scheduled, typed at its prompt or sent by {@code vigil lab
 * inject}) and what came of each, oldest first: the last {@link #KEPT} of them, and how many
 * were applied and refused in all.
 */
public final class FaultLog {
    static final int KEPT = 200;

    /** One fault: when after the start, the line, whether it applied, and the simulator's answer. */
    public record Entry(Duration at, String fault, boolean applied, String message) {}

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long applied;
    private long refused;

    public synchronized void add(Duration at, String fault, FaultOutcome outcome) {
        entries.addLast(new Entry(at, fault, outcome.applied(), outcome.message()));
        if (outcome.applied()) {
            applied++;
        } else {
            refused++;
        }
        while (entries.size() > KEPT) {
            entries.removeFirst();
        }
    }

    public synchronized List<Entry> all() {
        return List.copyOf(entries);
    }

    public synchronized long applied() {
        return applied;
    }

    public synchronized long refused() {
        return refused;
    }
}
