package io.vigil.events;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a failover, addressed to the executor of {@code node}. {@code id} is deterministic
 * (the saga, the step, the attempt), so the same step is never two actions and an executor that
 * sees an id again knows it. {@code target} is the destination of a migration or the node a fence
 * acts on. An executor refuses an action past its {@code deadline}.
 *
 * <p>On {@link Topics#ACTIONS} an action travels sealed ({@link ActionSeal}), keyed by {@code node}.
 */
public record Action(
        String id,
        String sagaId,
        String cluster,
        String node,
        ActionType type,
        Optional<String> resource,
        Optional<String> vm,
        Optional<String> target,
        Optional<Long> memoryBytes,
        Instant issuedAt,
        Instant deadline) {
    public Action {
        Name.check("id", id);
        Name.check("sagaId", sagaId);
        Name.check("cluster", cluster);
        Name.check("node", node);
        Objects.requireNonNull(type, "type");
        resource = Objects.requireNonNullElse(resource, Optional.empty());
        resource.ifPresent(r -> Name.check("resource", r));
        vm = Objects.requireNonNullElse(vm, Optional.empty());
        vm.ifPresent(v -> Name.check("vm", v));
        target = Objects.requireNonNullElse(target, Optional.empty());
        target.ifPresent(t -> Name.check("target", t));
        memoryBytes = Objects.requireNonNullElse(memoryBytes, Optional.empty());
        memoryBytes.ifPresent(m -> {
            if (m <= 0) {
                throw new IllegalArgumentException("memoryBytes: must be positive, was " + m);
            }
        });
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isBefore(issuedAt)) {
            throw new IllegalArgumentException("deadline: " + deadline + " is before issuedAt " + issuedAt);
        }
        switch (type) {
            case DRBD_PRIMARY, DRBD_SECONDARY, DRBD_ALLOW_TWO_PRIMARIES, DRBD_DISALLOW_TWO_PRIMARIES ->
                require(resource.isPresent(), "resource", type);
            case VM_SET_MEMORY -> require(vm.isPresent() && memoryBytes.isPresent(), "vm and memoryBytes", type);
            case VM_MIGRATE_LIVE -> require(vm.isPresent() && target.isPresent(), "vm and target", type);
            case VM_SHUTDOWN, VM_DESTROY, VM_START -> require(vm.isPresent(), "vm", type);
            case FENCE, FENCE_STATUS -> require(target.isPresent(), "target", type);
        }
        if (target.isPresent() && target.get().equals(node)) {
            throw new IllegalArgumentException(
                    "target: a " + type.wire() + " action's target must be another node than " + node);
        }
    }

    private static void require(boolean present, String what, ActionType type) {
        if (!present) {
            throw new IllegalArgumentException("a " + type.wire() + " action needs " + what);
        }
    }

    /** "pair-1:r0:2:migrate-web:1 (vm-migrate-live web -> node-b on node-a)": how logs and the audit trail name it. */
    public String describe() {
        StringBuilder out = new StringBuilder(id).append(" (").append(type.wire());
        resource.ifPresent(r -> out.append(' ').append(r));
        vm.ifPresent(v -> out.append(' ').append(v));
        memoryBytes.ifPresent(m -> out.append(' ').append(m / (1024 * 1024)).append(" MiB"));
        target.ifPresent(t -> out.append(" -> ").append(t));
        return out.append(" on ").append(node).append(')').toString();
    }
}
