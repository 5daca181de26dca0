package io.vigil.collectors.executor;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.vm.VirshDominfoParser;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.Body;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.VmState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs one allowed action's plan through the agent's {@link CommandRunner} (real processes, or
 * the lab's simulated host) and judges how it ended. Each command gets what is left of the
 * action's deadline, at most {@code maxCommandTime}; a command killed for it, or a VM still
 * running at the deadline, is TIMED_OUT. What it reports names a command by its program only: a
 * fence's argv from the topology may carry a password.
 */
public final class ActionRunner {
    private final CommandRunner runner;
    private final Clock clock;
    private final Duration maxCommandTime;
    private final int maxOutputBytes;
    private final Duration pollInterval;
    private final Pause pause;

    /** How the runner waits between polls: the thread sleeps; the lab's deterministic runs move their simulated clock instead. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    /**
     * @param pollInterval how often a shutting-down VM's state is asked
     */
    public ActionRunner(
            CommandRunner runner, Clock clock, Duration maxCommandTime, int maxOutputBytes, Duration pollInterval) {
        this(runner, clock, maxCommandTime, maxOutputBytes, pollInterval, d -> Thread.sleep(d.toMillis()));
    }

    public ActionRunner(
            CommandRunner runner,
            Clock clock,
            Duration maxCommandTime,
            int maxOutputBytes,
            Duration pollInterval,
            Pause pause) {
        this.pause = pause;
        this.runner = runner;
        this.clock = clock;
        this.maxCommandTime = maxCommandTime;
        this.maxOutputBytes = maxOutputBytes;
        this.pollInterval = pollInterval;
    }

    /** The longest any one command may run, whatever the action's deadline. */
    public Duration maxCommandTime() {
        return maxCommandTime;
    }

    public ActionResult run(Action action, ActionPlan plan) throws InterruptedException {
        Instant start = clock.instant();
        Verdict verdict = verdict(action, plan);
        double seconds = Duration.between(start, clock.instant()).toNanos() / 1e9;
        return new ActionResult(
                action.id(),
                verdict.outcome(),
                verdict.exitCode(),
                OutputCap.cap(verdict.output(), maxOutputBytes),
                Math.max(0, seconds));
    }

    // Java 17 has no pattern switch over a sealed interface; the closing throw marks where a new plan kind must be
    // added
    private Verdict verdict(Action action, ActionPlan plan) throws InterruptedException {
        if (plan instanceof ActionPlan.Once once) {
            return once(action, once.command(), maxCommandTime, once);
        } else if (plan instanceof ActionPlan.Promote promote) {
            return promote(action, promote);
        } else if (plan instanceof ActionPlan.StartVm startVm) {
            return startVm(action, startVm);
        } else if (plan instanceof ActionPlan.StartVmAt startAt) {
            return startAt(action, startAt);
        } else if (plan instanceof ActionPlan.ShutdownVm shutdown) {
            return shutdown(action, shutdown);
        } else if (plan instanceof ActionPlan.MigrateVm migrate) {
            return migrate(action, migrate);
        } else if (plan instanceof ActionPlan.Fence fence) {
            return once(action, fence.command(), min(maxCommandTime, fence.timeout()), fence);
        } else if (plan instanceof ActionPlan.FenceStatus status) {
            return fenceStatus(action, status);
        }
        throw new IllegalStateException("no runner for " + plan);
    }

    /** How a plan ended, before its output is capped. */
    private record Verdict(ActionOutcome outcome, Optional<Integer> exitCode, String output) {
        static Verdict of(ActionOutcome outcome, CommandResult result, String note) {
            return new Verdict(outcome, Optional.of(result.exitCode()), note + ActionRunner.output(result));
        }
    }

    private Verdict once(Action action, Command command, Duration cap, ActionPlan plan) throws InterruptedException {
        Ran ran = run(action, command, cap);
        if (ran.failure().isPresent()) {
            return ran.failure().get();
        }
        CommandResult result = ran.result().orElseThrow();
        if (result.exitCode() == 0) {
            return Verdict.of(ActionOutcome.SUCCEEDED, result, "");
        }
        if (ToolReplies.alreadyDone(plan.type(), result)) {
            return Verdict.of(
                    ActionOutcome.SUCCEEDED,
                    result,
                    "already done (" + plan.type().wire() + "): ");
        }
        return Verdict.of(ActionOutcome.FAILED, result, "");
    }

    private Verdict promote(Action action, ActionPlan.Promote plan) throws InterruptedException {
        Ran state = run(action, plan.state(), maxCommandTime);
        if (state.failure().isEmpty() && state.result().orElseThrow().exitCode() == 0) {
            for (Body body : DrbdEventsParser.toEvents(
                            String.join(" ", plan.state().argv()),
                            state.result().get().stdout())
                    .values()) {
                if (body instanceof DrbdResource r && r.resource().equals(plan.resource())) {
                    Optional<DrbdResource.DrbdDevice> notUpToDate = r.devices().stream()
                            .filter(d -> !d.client() && d.disk() != DiskState.UP_TO_DATE)
                            .findFirst();
                    if (notUpToDate.isPresent()) {
                        return Verdict.of(
                                ActionOutcome.FAILED,
                                state.result().get(),
                                plan.resource() + "'s volume "
                                        + notUpToDate.get().volume()
                                        + " here is " + notUpToDate.get().disk().wire()
                                        + ", not UpToDate: not promoted (the engine decided on"
                                        + " older facts): ");
                    }
                }
            }
        }
        return once(action, plan.command(), maxCommandTime, plan);
    }

    private Verdict startVm(Action action, ActionPlan.StartVm plan) throws InterruptedException {
        if (plan.runningCheck().isPresent()) {
            Ran check = run(action, plan.runningCheck().get(), maxCommandTime);
            if (check.failure().isPresent()) {
                return check.failure().get();
            }
            if (check.result().orElseThrow().exitCode() == 0) {
                return Verdict.of(
                        ActionOutcome.SUCCEEDED, check.result().get(), "already running, not started again: ");
            }
        }
        return once(action, plan.command(), maxCommandTime, plan);
    }

    private Verdict startAt(Action action, ActionPlan.StartVmAt plan) throws InterruptedException {
        Ran info = run(action, plan.dominfo(), maxCommandTime);
        if (info.failure().isPresent()) {
            return info.failure().get();
        }
        CommandResult dominfo = info.result().orElseThrow();
        if (dominfo.exitCode() != 0) {
            return Verdict.of(ActionOutcome.FAILED, dominfo, "");
        }
        ParseResult<VirshDominfoParser.DomainInfo> read =
                VirshDominfoParser.parse(String.join(" ", plan.dominfo().argv()), dominfo.stdout());
        if (read.values().isEmpty()) {
            return Verdict.of(
                    ActionOutcome.FAILED,
                    dominfo,
                    "cannot tell the VM's state and configured memory, so it is not started: " + read.problems()
                            + ": ");
        }
        VirshDominfoParser.DomainInfo domain = read.values().get(0);
        if (domain.state() != VmState.SHUT_OFF && domain.state() != VmState.CRASHED) {
            // running (or paused) already: its memory is the live VM's business, its configuration is left alone
            return Verdict.of(ActionOutcome.SUCCEEDED, dominfo, "already running, not started again: ");
        }
        // a shut-off domain's Used memory is the memory it boots with
        long configuredKiB = domain.usedMemoryBytes() / 1024;
        if (configuredKiB == plan.bootKiB()) {
            return once(action, plan.command(), maxCommandTime, plan);
        }
        Verdict resized = once(action, plan.setConfigured().apply(plan.bootKiB()), maxCommandTime, plan);
        if (resized.outcome() != ActionOutcome.SUCCEEDED) {
            return new Verdict(
                    resized.outcome(),
                    resized.exitCode(),
                    "the boot memory could not be set, so the VM was not started: " + resized.output());
        }
        Verdict started = once(action, plan.command(), maxCommandTime, plan);
        Command restore = plan.setConfigured().apply(configuredKiB);
        Ran back = run(action, restore, maxCommandTime);
        if (back.result().map(r -> r.exitCode() == 0).orElse(false)) {
            return started;
        }
        String why = back.failure()
                .map(Verdict::output)
                .orElseGet(() -> output(back.result().orElseThrow()));
        return new Verdict(
                started.outcome(),
                started.exitCode(),
                started.output() + "\nits configured memory stays at " + plan.bootKiB()
                        + " KiB, so its next cold boot is that small too (" + why + "); virsh setmem "
                        + action.vm().orElseThrow() + " "
                        + configuredKiB + " --config puts it back");
    }

    private Verdict shutdown(Action action, ActionPlan.ShutdownVm plan) throws InterruptedException {
        Verdict asked = once(action, plan.command(), maxCommandTime, plan);
        if (asked.outcome() != ActionOutcome.SUCCEEDED) {
            return asked;
        }
        while (true) {
            Ran state = run(action, plan.state(), maxCommandTime);
            if (state.failure().isPresent()) {
                return state.failure().get();
            }
            CommandResult result = state.result().orElseThrow();
            if (ToolReplies.isOff(plan.hypervisor(), result)) {
                return new Verdict(
                        ActionOutcome.SUCCEEDED, asked.exitCode(), asked.output() + "\nVM is off: " + output(result));
            }
            if (!clock.instant().plus(pollInterval).isBefore(action.deadline())) {
                return new Verdict(
                        ActionOutcome.TIMED_OUT,
                        asked.exitCode(),
                        asked.output() + "\nstill not off at the deadline " + action.deadline() + ": "
                                + output(result));
            }
            pause.pause(pollInterval);
        }
    }

    private Verdict migrate(Action action, ActionPlan.MigrateVm plan) throws InterruptedException {
        Ran ran = run(action, plan.command(), maxCommandTime);
        if (ran.failure().isPresent()) {
            return ran.failure().get();
        }
        CommandResult result = ran.result().orElseThrow();
        if (result.exitCode() == 0) {
            return Verdict.of(ActionOutcome.SUCCEEDED, result, "");
        }
        if (plan.destinationState().isPresent() && ToolReplies.notHere(result)) {
            // a VM no longer here counts as migrated only if the destination says it runs there
            Ran there = run(action, plan.destinationState().get(), maxCommandTime);
            if (there.result().isPresent()
                    && ToolReplies.isRunning(there.result().get())) {
                return Verdict.of(
                        ActionOutcome.SUCCEEDED,
                        result,
                        "already done: the VM is not here and runs on the destination: ");
            }
        }
        return Verdict.of(ActionOutcome.FAILED, result, "");
    }

    private Verdict fenceStatus(Action action, ActionPlan.FenceStatus plan) throws InterruptedException {
        Ran ran = run(action, plan.command(), min(maxCommandTime, plan.timeout()));
        if (ran.failure().isPresent()) {
            return ran.failure().get();
        }
        CommandResult result = ran.result().orElseThrow();
        if (result.exitCode() == 0 && (result.stdout() + result.stderr()).contains(plan.offWhenOutputContains())) {
            return Verdict.of(ActionOutcome.SUCCEEDED, result, "");
        }
        // the fence said yes but the power stays on, or the status command failed: never taken as off
        return Verdict.of(
                ActionOutcome.FAILED,
                result,
                "power not confirmed off (expected \"" + plan.offWhenOutputContains() + "\" with exit 0): ");
    }

    /** A command's result, or the verdict that it could not run or ran out of time. */
    private record Ran(Optional<CommandResult> result, Optional<Verdict> failure) {}

    private Ran run(Action action, Command command, Duration cap) throws InterruptedException {
        Duration left = Duration.between(clock.instant(), action.deadline());
        Duration timeout = min(left, cap);
        if (timeout.isNegative() || timeout.isZero()) {
            return new Ran(
                    Optional.empty(),
                    Optional.of(new Verdict(
                            ActionOutcome.TIMED_OUT,
                            Optional.empty(),
                            "the deadline " + action.deadline() + " passed before " + command.program()
                                    + " could run")));
        }
        try {
            return new Ran(Optional.of(runner.run(command, timeout)), Optional.empty());
        } catch (CommandException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopped while running " + command.program());
            }
            ActionOutcome outcome = e.timedOut() ? ActionOutcome.TIMED_OUT : ActionOutcome.FAILED;
            return new Ran(
                    Optional.empty(),
                    Optional.of(new Verdict(outcome, Optional.empty(), command.program() + ": " + e.problem())));
        }
    }

    private static String output(CommandResult result) {
        String out = result.stdout().strip();
        String err = result.stderr().strip();
        return out.isEmpty() ? err : err.isEmpty() ? out : out + "\n" + err;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
