package io.vigil.rules.failover;

/**
 * Where a failover stands, in the words operators use. A saga starts in {@link #DEGRADED} and ends
 * in {@link #HEALTHY} (or, in dry-run, {@link #DRY_RUN}); {@link #HELD} and {@link #STUCK} wait for
 * a human, with a page.
 */
public enum SagaPhase {
    /** A failure is seen and a way out decided; nothing sent yet. */
    DEGRADED("Degraded", false),
    /** Mode approve: decided and paged; waits for {@code vigil approve}. */
    AWAITING_APPROVAL("AwaitingApproval", false),
    /** A safety rule or the flap guard holds the failover back until the facts change or a human acts. */
    HELD("Held", false),
    /** The survivor's running VMs are ballooned down so that the incoming ones fit. */
    MAKING_ROOM("MakingRoom", true),
    /** Two primaries allowed for the migration window; the VMs live-migrate to the survivor. */
    EVACUATING("Evacuating", true),
    /** The lost host's power is cut and confirmed off. */
    FENCING("Fencing", true),
    /** The survivor is made Primary. */
    PROMOTING("Promoting", true),
    /** The VMs are started cold on the survivor. */
    STARTING("Starting", true),
    /** The VMs run on the survivor; waiting for the failed side to come back. */
    FAILED_OVER("FailedOver", false),
    /** The failed side is back and DRBD resyncs it. */
    RESYNCING("Resyncing", false),
    /** Both sides UpToDate; failback is automatic or waits for {@code vigil failback}. */
    READY_FOR_FAILBACK("ReadyForFailback", false),
    /** The VMs live-migrate home and the primary is handed back. */
    FAILING_BACK("FailingBack", true),
    /** A step failed past its retries: paged with the step, the node and the last output. */
    STUCK("Stuck", false),
    /** Dry-run: the plan is in the audit trail; nothing was executed. Ends when the failure clears. */
    DRY_RUN("DryRun", false),
    /** Over: home again, or the failure cleared before anything was done. */
    HEALTHY("Healthy", false);

    private final String word;
    private final boolean acting;

    SagaPhase(String word, boolean acting) {
        this.word = word;
        this.acting = acting;
    }

    /** "MakingRoom": how logs, the audit trail, metrics and the screen name it. */
    public String word() {
        return word;
    }

    /** Whether actions of this phase may be in flight. */
    public boolean acting() {
        return acting;
    }

    public boolean ended() {
        return this == HEALTHY;
    }
}
