package io.vigil.history;

import java.util.Arrays;

/** How a resync ended, the words stored in {@code resync_episodes.outcome}. */
public enum ResyncOutcome {
    /** Still resyncing at the newest report. */
    RUNNING("running"),
    /** Both disks UpToDate on an established connection. */
    DONE("done"),
    /** The connection was lost, or a disk failed, before it was done. */
    INTERRUPTED("interrupted");

    private final String word;

    ResyncOutcome(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static ResyncOutcome of(String word) {
        return Arrays.stream(values())
                .filter(o -> o.word.equals(word))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("outcome: '" + word + "' is not running, done or interrupted"));
    }
}
