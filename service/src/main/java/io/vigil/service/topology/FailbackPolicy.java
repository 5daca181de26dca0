package io.vigil.service.topology;

/** What happens once the replaced disk has resynced and both sides are UpToDate. */
public enum FailbackPolicy {
    /** The VMs go home by live migration and the primary is handed back. */
    AUTO("auto"),
    /** The saga waits in ReadyForFailback for {@code vigil failback RESOURCE}. */
    MANUAL("manual");

    private final String word;

    FailbackPolicy(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
