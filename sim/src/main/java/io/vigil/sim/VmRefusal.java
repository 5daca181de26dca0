package io.vigil.sim;

/**
 * Why a hypervisor refuses an operation on a VM. The host decides the reason from its state; each
 * tool (virsh, xl) words it its own way ({@link VirshActions}, {@link XlActions}).
 */
final class VmRefusal extends IllegalStateException {
    enum Reason {
        /** the operation needs a running domain */
        NOT_RUNNING,
        /** start of a domain that runs already */
        ALREADY_RUNNING,
        /** its DRBD resource is not Primary where qemu would open it: DRBD refuses the open for writing */
        DISK_NOT_PRIMARY,
        /** the host has not the memory the domain needs (start, migration target, balloon growth) */
        HOST_MEMORY,
        /** a balloon target above the domain's max memory */
        ABOVE_MAX_MEMORY,
        /** the migration destination does not answer (down, powered off, unknown) */
        DESTINATION_UNREACHABLE,
        /** the migration destination is the host itself */
        SAME_HOST,
        /** the migration stream broke halfway (the migration-fails fault) */
        MIGRATION_BROKE,
        /** the lab's own invariant: the VM would run on two hosts at once */
        RUNS_ELSEWHERE
    }

    final Reason reason;
    final String vm;

    VmRefusal(Reason reason, String vm, String message) {
        super(message);
        this.reason = reason;
        this.vm = vm;
    }
}
