package io.vigil.collectors.executor;

import io.vigil.collectors.command.CommandResult;
import io.vigil.events.ActionType;
import io.vigil.events.Hypervisor;

/**
 * What the tools print when the wanted state already holds, so that an action done before (by
 * an earlier attempt, or by an operator) counts as done. Each phrase is quoted from the tool's
 * source. drbdadm needs none: {@code drbdadm secondary} on a Secondary (and primary on a
 * Primary) exits 0, because drbdsetup ignores DRBD's SS_NOTHING_TO_DO (drbd-utils
 * user/v9/drbdsetup.c, "Ignore SS_SUCCESS, SS_NOTHING_TO_DO"); the same code maps
 * SS_NO_UP_TO_DATE_DISK ("Need access to UpToDate data") to exit 17, which stays a failure.
 */
final class ToolReplies {
    /** virsh start on a running domain: libvirt tools/virsh-domain.c, cmdStart. */
    static final String VIRSH_ALREADY_ACTIVE = "Domain is already active";
    /** A driver's VIR_ERR_OPERATION_INVALID for a domain that runs already (libvirt src/qemu/qemu_driver.c). */
    static final String LIBVIRT_ALREADY_RUNNING = "already running";
    /** virsh destroy/shutdown of a domain that is not running: libvirt's VIR_ERR_OPERATION_INVALID, "domain is not running". */
    static final String LIBVIRT_NOT_RUNNING = "domain is not running";
    /** virsh on a domain this host does not know: tools/virsh-domain.c, "failed to get domain '%s'". */
    static final String VIRSH_NO_DOMAIN = "failed to get domain";
    /** xl on a domain that does not run (Xen keeps no stopped domains): tools/xl, "%s is an invalid domain identifier". */
    static final String XL_NO_DOMAIN = "is an invalid domain identifier";

    private ToolReplies() {}

    /** Whether a failed command's output says the action's wanted state already held. */
    static boolean alreadyDone(ActionType type, CommandResult result) {
        String said = result.stdout() + "\n" + result.stderr();
        return switch (type) {
            case VM_START -> said.contains(VIRSH_ALREADY_ACTIVE) || said.contains(LIBVIRT_ALREADY_RUNNING);
            case VM_SHUTDOWN, VM_DESTROY -> said.contains(LIBVIRT_NOT_RUNNING) || said.contains(XL_NO_DOMAIN);
            case DRBD_PRIMARY,
                    DRBD_SECONDARY,
                    DRBD_ALLOW_TWO_PRIMARIES,
                    DRBD_DISALLOW_TWO_PRIMARIES,
                    VM_SET_MEMORY,
                    VM_MIGRATE_LIVE,
                    FENCE,
                    FENCE_STATUS -> false;
        };
    }

    /** Whether a VM-state command says the VM is off here: "shut off" from virsh domstate, or no such domain. */
    static boolean isOff(Hypervisor hypervisor, CommandResult state) {
        String said = state.stdout() + "\n" + state.stderr();
        return switch (hypervisor) {
            case LIBVIRT ->
                state.exitCode() == 0 ? state.stdout().strip().equals("shut off") : said.contains(VIRSH_NO_DOMAIN);
            case XEN -> state.exitCode() != 0 && said.contains(XL_NO_DOMAIN);
        };
    }

    /** Whether virsh domstate says the VM runs (on the destination of a migration). */
    static boolean isRunning(CommandResult state) {
        return state.exitCode() == 0 && state.stdout().strip().equals("running");
    }

    /** Whether a migrate failed because the VM is not on this host (any more). */
    static boolean notHere(CommandResult result) {
        String said = result.stdout() + "\n" + result.stderr();
        return said.contains(VIRSH_NO_DOMAIN) || said.contains(XL_NO_DOMAIN);
    }
}
