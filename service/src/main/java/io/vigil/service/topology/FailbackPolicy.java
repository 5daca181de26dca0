package io.vigil.service.topology;

import io.vigil.events.WireEnum;

/** What happens once the replaced disk has resynced and both sides are UpToDate. */
public enum FailbackPolicy implements WireEnum {
    /** The VMs go home by live migration and the primary is handed back. */
    AUTO("auto"),
    /** The saga waits in ReadyForFailback for {@code vigil failback RESOURCE}. */
    MANUAL("manual");

    private final String word;

    FailbackPolicy(String word) {
        this.word = word;
    }

    /** The word topology.yaml uses for it. */
    @Override
    public String wire() {
        return word;
    }
}
