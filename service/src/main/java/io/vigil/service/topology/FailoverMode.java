package io.vigil.service.topology;

import io.vigil.events.WireEnum;

/** How far a cluster's failover runs by itself. */
public enum FailoverMode implements WireEnum {
    /** Decide and act. */
    AUTO("auto"),
    /** Decide, page, and wait for {@code vigil approve SAGA} before the first action. */
    APPROVE("approve"),
    /** Decide and record every step in the audit trail; execute nothing. */
    DRY_RUN("dry-run");

    private final String word;

    FailoverMode(String word) {
        this.word = word;
    }

    /** The word topology.yaml uses for it. */
    @Override
    public String wire() {
        return word;
    }
}
