package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an action asks a node's executor to do. The executor builds the argv for each from its own
 * config (the hypervisor, the fence commands), never from the action: an action names a type and
 * its objects (resource, VM, target node, memory), never a command line.
 */
public enum ActionType implements WireEnum {
    /** {@code drbdadm primary RES}; exit 17 (no good data) is final. */
    DRBD_PRIMARY("drbd-primary"),
    /** {@code drbdadm secondary RES}. */
    DRBD_SECONDARY("drbd-secondary"),
    /** {@code drbdadm net-options --allow-two-primaries=yes RES}: opens a live-migration window. */
    DRBD_ALLOW_TWO_PRIMARIES("drbd-allow-two-primaries"),
    /** {@code drbdadm net-options --allow-two-primaries=no RES}: closes it. */
    DRBD_DISALLOW_TWO_PRIMARIES("drbd-disallow-two-primaries"),
    /** Balloon a running VM to {@code memoryBytes} ({@code virsh setmem}, {@code xl mem-set}). */
    VM_SET_MEMORY("vm-set-memory"),
    /** Live-migrate a VM to {@code target} ({@code virsh migrate --live}, {@code xl migrate}). */
    VM_MIGRATE_LIVE("vm-migrate-live"),
    /** Ask a VM to shut down and wait, until the deadline, for it to be off. */
    VM_SHUTDOWN("vm-shutdown"),
    /** Pull a VM's plug ({@code virsh destroy}, {@code xl destroy}). */
    VM_DESTROY("vm-destroy"),
    /**
     * Start a VM here ({@code virsh start}, {@code xl create}); with {@code memoryBytes}, at that
     * memory for this boot only (its configured memory is left as it was).
     */
    VM_START("vm-start"),
    /** Run the fence (power-off) command configured for node {@code target}. */
    FENCE("fence"),
    /** Run the power-status command configured for node {@code target}; succeeds only when it says the power is off. */
    FENCE_STATUS("fence-status");

    private final String wire;

    ActionType(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ActionType of(String word) {
        return WireEnum.parse(ActionType.class, word);
    }
}
