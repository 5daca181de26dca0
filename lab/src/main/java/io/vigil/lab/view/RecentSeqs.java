package io.vigil.lab.view;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The last {@link #KEPT} seqs seen from one node. A record whose seq is among them is a repeat:
 * the agent's publisher may send again what was in flight when it crashed during an outage.
 * Membership, not order: a seq is never judged by comparison with a larger one seen before, so
 * one absurd seq (a bug, a hand-made record, an agent whose seq file was lost) makes no later
 * record look old.
 */
final class RecentSeqs {
    /** far more than a publisher has in flight; 4096 seqs per node is a few hundred KiB at most */
    static final int KEPT = 4096;

    private final LinkedHashSet<Long> seen = new LinkedHashSet<>();

    /** Remembers {@code seq}; false when it was seen lately, so the record is a repeat. */
    boolean firstTime(long seq) {
        if (!seen.add(seq)) {
            return false;
        }
        if (seen.size() > KEPT) {
            Iterator<Long> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }
}
