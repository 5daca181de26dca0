package io.vigil.rules.failover;

/**
 * The rules no automatic step may break, each with the words the audit trail and the page use.
 * {@link PromotionGuard} checks every one of them before a promotion, a dual-primary window or a VM's move.
 */
public enum SafetyRule {
    /** Decisions rest on the nodes' own recent reports, never on a remembered state. */
    FRESH_FACTS("the facts are recent"),
    /** One failover at a time per resource. */
    ONE_SAGA_PER_RESOURCE("one failover at a time per resource"),
    /** More than N failovers of a cluster within the window stops automation and pages a human. */
    FLAP_GUARD("at most N failovers per cluster in the window"),
    /** Only a node whose disk for the resource is UpToDate on every volume may become Primary. */
    CANDIDATE_UP_TO_DATE("the candidate's disk is UpToDate"),
    /** DRBD has the last word: where it says may_promote:no, nobody promotes. */
    DRBD_MAY_PROMOTE("DRBD does not refuse the promotion"),
    /** drbdadm primary refusing for lack of good data (exit 17) is final within a failover, not retried. */
    NO_GOOD_DATA_IS_FINAL("a refusal for lack of good data is final"),
    /** Never promote while the peer may still write. */
    PEER_CANNOT_WRITE("the peer cannot write"),
    /** Never two primaries for a resource, except within an agreed live-migration window. */
    NO_SECOND_PRIMARY("never two primaries outside an agreed migration window"),
    /** A dual-primary window needs both nodes connected and replicating, and the survivor UpToDate. */
    WINDOW_NEEDS_CONNECTED_PAIR("two primaries only while both nodes are connected and in sync"),
    /**
     * A VM is migrated or started only once it is known whether it runs on the host it leaves: not
     * having heard of it is not "not running", and a second guest on the same disk corrupts it.
     */
    VM_WHEREABOUTS_KNOWN("a VM moves only once it is known whether it runs where it leaves");

    private final String words;

    SafetyRule(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }
}
