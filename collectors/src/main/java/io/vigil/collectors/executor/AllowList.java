package io.vigil.collectors.executor;

import io.vigil.events.Action;
import io.vigil.events.ActionType;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What this host's executor may do: the action types, and the DRBD resources and VMs they may
 * touch. An action passes only when its type is listed and so is each resource and VM it names;
 * the empty list, the default, runs nothing.
 */
public record AllowList(Set<ActionType> actions, Set<String> resources, Set<String> vms) {
    public static final AllowList NOTHING = new AllowList(Set.of(), Set.of(), Set.of());

    public AllowList {
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        resources = Set.copyOf(resources);
        vms = Set.copyOf(vms);
    }

    /** Empty when {@code action} is allowed; otherwise what is not. */
    public Optional<String> refusal(Action action) {
        if (!actions.contains(action.type())) {
            return Optional.of("action type " + action.type().wire() + " is not in executor.allow.actions");
        }
        if (action.resource().isPresent()
                && !resources.contains(action.resource().get())) {
            return Optional.of("resource " + action.resource().get() + " is not in executor.allow.resources");
        }
        if (action.vm().isPresent() && !vms.contains(action.vm().get())) {
            return Optional.of("VM " + action.vm().get() + " is not in executor.allow.vms");
        }
        return Optional.empty();
    }
}
