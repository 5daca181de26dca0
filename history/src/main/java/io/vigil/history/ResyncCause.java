package io.vigil.history;

import java.util.Arrays;

/** What started a resync, read from what came before it; the words stored in {@code resync_episodes.cause}. */
public enum ResyncCause {
    /** The target's disk was failed, detached or being attached: a new disk fills up. */
    DISK_REPLACED("disk-replaced"),
    /** A node of the pair had not been heard: its host was down and came back. */
    HOST_BACK("host-back"),
    /** The replication link was down with both hosts up, and came back. */
    LINK_RESTORED("link-restored"),
    UNKNOWN("unknown");

    private final String word;

    ResyncCause(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static ResyncCause of(String word) {
        return Arrays.stream(values())
                .filter(c -> c.word.equals(word))
                .findFirst()
                .orElse(UNKNOWN);
    }
}
