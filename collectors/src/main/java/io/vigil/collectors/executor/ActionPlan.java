package io.vigil.collectors.executor;

import io.vigil.collectors.command.Command;
import io.vigil.events.ActionType;
import io.vigil.events.Hypervisor;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The commands that carry out one action on this host, and how to tell it worked: built by
 * {@link ActionCommands} from the action's type and names and the agent's own config, run by
 * {@link ActionRunner}.
 */
public sealed interface ActionPlan {
    ActionType type();

    /** The command that does the work. */
    Command command();

    /** Runs once; succeeds on exit 0 or when the tool says the wanted state already holds. */
    record Once(ActionType type, Command command) implements ActionPlan {}

    /**
     * Promotes a DRBD resource: {@code state} ({@code drbdsetup events2 --now}) first reads this
     * host's disk for it, and the promotion runs only where every volume is UpToDate. The engine
     * decided on facts a moment old; a disk lost or swapped since is caught here, where it is known.
     * Where the state cannot be read (no DRBD 9 events2), DRBD's own refusal (exit 17) remains.
     */
    record Promote(ActionType type, Command command, Command state, String resource) implements ActionPlan {}

    /** Starts a VM; {@code runningCheck}, where the tool has no "already running" reply of its own, says so first (exit 0: running). */
    record StartVm(ActionType type, Command command, Optional<Command> runningCheck) implements ActionPlan {}

    /**
     * Starts a libvirt VM at {@code bootKiB} for this boot only (virsh start has no memory of its
     * own): {@code dominfo} says whether it runs already (then nothing is touched) and its
     * configured memory, which {@code setConfigured} ({@code virsh setmem VM KIB --config}) sets to
     * {@code bootKiB} before the start and back after it, whether the start worked or not.
     */
    record StartVmAt(
            ActionType type, Command command, Command dominfo, long bootKiB, LongFunction<Command> setConfigured)
            implements ActionPlan {}

    /** Asks a VM to shut down, then polls {@code state} until the VM is off or the deadline passes. */
    record ShutdownVm(ActionType type, Command command, Command state, Hypervisor hypervisor) implements ActionPlan {}

    /** Live-migrates a VM; {@code destinationState}, when the destination can be asked, tells a migration already done. */
    record MigrateVm(ActionType type, Command command, Optional<Command> destinationState) implements ActionPlan {}

    /** Cuts a node's power; the fence's own timeout bounds it too. */
    record Fence(ActionType type, Command command, Duration timeout) implements ActionPlan {}

    /** Asks for a node's power state; succeeds only on exit 0 with {@code offWhenOutputContains} in its output. */
    record FenceStatus(ActionType type, Command command, String offWhenOutputContains, Duration timeout)
            implements ActionPlan {}
}
