package io.vigil.rules.failover;

import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionType;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.ReplicationState;
import io.vigil.events.VmStatus;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.FailbackPolicy;
import io.vigil.service.topology.FailoverMode;
import io.vigil.service.topology.FailoverPolicy;
import io.vigil.service.topology.NodeTopology;
import io.vigil.service.topology.VmTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a failover advances: a pure function of the saga, the cluster's facts, the topology and
 * the time, returning the saga's next state, the actions to send and the audit entries, which the
 * caller commits together (in the engine, in one Kafka transaction). Each phase names the steps it
 * needs; a step already done is skipped, one in flight is waited for, a failed one is tried again
 * up to the policy's retries under a new attempt id, and then the saga stops as {@link
 * SagaPhase#STUCK} and pages. Every promotion and dual-primary window passes {@link
 * PromotionGuard} first; a refusal holds the saga ({@link SagaPhase#HELD}) and pages.
 */
public final class FailoverSaga {
    /** A result later than the action's deadline by more than this means the action timed out. */
    static final Duration RESULT_GRACE = Duration.ofSeconds(10);

    private final PromotionGuard guard;

    public FailoverSaga(PromotionGuard guard) {
        this.guard = guard;
    }

    /** What one call decided: the saga's next state, the actions to send, the audit entries. */
    public record Progress(Saga saga, List<Action> actions, List<AuditEntry> audit) {
        public Progress {
            actions = List.copyOf(actions);
            audit = List.copyOf(audit);
        }
    }

    /** A new saga for {@code trigger}, in Degraded, recorded with the facts it rests on. */
    public Progress start(
            String cluster, String resource, long number, List<String> vms, Trigger trigger, Instant now) {
        String id = Saga.idOf(cluster, resource, number);
        Saga saga = new Saga(
                id,
                cluster,
                resource,
                number,
                trigger.way(),
                trigger.failing(),
                trigger.survivor(),
                SagaPhase.DEGRADED,
                now,
                now,
                trigger.reason(),
                trigger.evidence(),
                false,
                false,
                false,
                Map.of(),
                vms,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(new Saga.PhaseVisit(SagaPhase.DEGRADED, now)));
        AuditEntry entry = new AuditEntry(
                cluster,
                id,
                resource,
                now,
                AuditKind.DECISION,
                SagaPhase.DEGRADED.word(),
                trigger.way().words() + " of " + resource + " from " + trigger.failing() + " to " + trigger.survivor()
                        + ": " + trigger.reason(),
                trigger.evidence(),
                Optional.empty());
        return new Progress(saga, List.of(), List.of(entry));
    }

    /**
     * Records an executor's result on the step it answers. A late success of an earlier attempt
     * also completes its step (the actions are idempotent, so the work is done either way); a
     * result for no step of this saga, a second result for a step, or one from another node than
     * the one the action went to, changes nothing.
     */
    public Progress onResult(Saga saga, ActionResult result, String fromNode, Instant now) {
        for (SagaStep step : saga.steps().values()) {
            boolean current = step.actionId().equals(result.actionId());
            boolean earlier = !current && result.actionId().startsWith(stepPrefix(saga, step.name()));
            boolean counts = current
                    ? !step.done() && (step.waiting() || result.outcome() == ActionOutcome.SUCCEEDED)
                    : earlier && !step.done() && result.outcome() == ActionOutcome.SUCCEEDED;
            if (!current && !earlier) {
                continue;
            }
            if (!fromNode.equals(step.node())) {
                // only the executor the action went to ran it: another node's word about it proves nothing
                return new Progress(
                        saga,
                        List.of(),
                        List.of(new AuditEntry(
                                saga.cluster(),
                                saga.sagaId(),
                                saga.resource(),
                                now,
                                AuditKind.REFUSAL,
                                saga.phase().word(),
                                "result " + result.actionId() + " from " + fromNode + " ignored: the action"
                                        + " was sent to " + step.node(),
                                List.of(),
                                Optional.of(result.actionId()))));
            }
            if (!counts) {
                return new Progress(saga, List.of(), List.of());
            }
            SagaStep ended = step.ended(SagaStep.StepStatus.of(result.outcome()), result.exitCode(), result.output());
            Saga next = saga.withStep(ended);
            if (step.type() == ActionType.DRBD_PRIMARY && result.exitCode().equals(Optional.of(17))) {
                next = next.withGoodDataRefused();
            }
            AuditEntry entry = new AuditEntry(
                    saga.cluster(),
                    saga.sagaId(),
                    saga.resource(),
                    now,
                    AuditKind.RESULT,
                    saga.phase().word(),
                    step.name() + " on " + fromNode + ": " + result.outcome().wire()
                            + result.exitCode().map(c -> " (exit " + c + ")").orElse("")
                            + " in " + String.format(Locale.ROOT, "%.1f", result.durationSeconds()) + " s"
                            + (result.output().isBlank() ? "" : ": " + firstLine(result.output())),
                    List.of(),
                    Optional.of(result.actionId()));
            return new Progress(next, List.of(), List.of(entry));
        }
        return new Progress(saga, List.of(), List.of());
    }

    /** {@code vigil approve}: lets an awaiting saga act, a held one go on past the flap guard, a stuck one try its step again. */
    public Progress approve(Saga saga, String who, Instant now) {
        List<AuditEntry> audit = new ArrayList<>();
        Saga next = saga.approvedNow();
        if (saga.phase() == SagaPhase.STUCK) {
            for (SagaStep step : saga.steps().values()) {
                if (!step.done() && !step.waiting()) {
                    next = next.withStep(
                            step.ended(SagaStep.StepStatus.RETRY_APPROVED, step.exitCode(), step.lastOutput()));
                }
            }
            next = next.inPhase(saga.heldFrom().orElse(SagaPhase.DEGRADED), now);
        } else if (saga.phase() == SagaPhase.HELD) {
            next = next.inPhase(saga.heldFrom().orElse(SagaPhase.DEGRADED), now);
        }
        audit.add(entry(
                saga,
                now,
                AuditKind.COMMAND,
                "approved by " + who + " in " + saga.phase().word(),
                List.of()));
        return new Progress(next, List.of(), audit);
    }

    /** {@code vigil failback}: a saga ready for failback (or about to be) goes home when ready. */
    public Progress failback(Saga saga, String who, Instant now) {
        return new Progress(
                saga.failbackRequestedNow(),
                List.of(),
                List.of(entry(
                        saga,
                        now,
                        AuditKind.COMMAND,
                        "failback requested by " + who + " in " + saga.phase().word(),
                        List.of())));
    }

    /** Moves the saga as far as the facts and results allow now. */
    public Progress advance(
            Saga saga, ClusterTopology topology, ClusterFacts facts, List<Instant> clusterFailovers, Instant now) {
        Run run = new Run(saga, topology, facts, now);
        // a phase may finish at once (its steps all done), so go on until the saga stands still; bounded, as the phases
        // are few
        for (int guardRail = 0; guardRail < 20; guardRail++) {
            SagaPhase before = run.saga.phase();
            step(run, clusterFailovers);
            if (run.saga.phase() == before) {
                break;
            }
        }
        return new Progress(run.saga, run.actions, run.audit);
    }

    private void step(Run run, List<Instant> clusterFailovers) {
        Saga saga = run.saga;
        FailoverPolicy policy = run.topology.policy();
        switch (saga.phase()) {
            case DEGRADED -> degraded(run, clusterFailovers);
            case AWAITING_APPROVAL -> {
                if (saga.approved()) {
                    run.phase(firstActingPhase(saga), "approved: " + saga.way().words() + " begins", List.of());
                }
            }
            case HELD -> {
                // try again what held it: it holds again, unchanged, while the facts still say no
                int audited = run.audit.size();
                int acted = run.actions.size();
                run.saga = saga.inPhase(saga.heldFrom().orElse(SagaPhase.DEGRADED), run.now);
                step(run, clusterFailovers);
                if (run.saga.phase() == SagaPhase.HELD && run.saga.heldBy().equals(saga.heldBy())) {
                    // still held by the same: nothing happened, nothing to record
                    run.saga = saga;
                    run.audit.subList(audited, run.audit.size()).clear();
                    run.actions.subList(acted, run.actions.size()).clear();
                } else if (run.saga.phase() != SagaPhase.HELD) {
                    run.audit.add(entry(
                            run.saga,
                            run.now,
                            AuditKind.DECISION,
                            "no longer held (" + saga.heldBecause().orElse("") + ")",
                            List.of()));
                }
            }
            case MAKING_ROOM -> makingRoom(run);
            case EVACUATING -> evacuating(run);
            case FENCING -> fencing(run);
            case PROMOTING -> promoting(run);
            case STARTING -> starting(run);
            case FAILED_OVER, RESYNCING -> waitForResync(run);
            case READY_FOR_FAILBACK -> {
                Optional<ClusterFacts.FiringAlert> again =
                        FailureDiagnosis.evacuateOnFiring(policy, saga.resource(), run.facts, saga.failing());
                if (again.isPresent()) {
                    run.phase(
                            SagaPhase.FAILED_OVER,
                            again.get().name() + " fires on " + saga.failing() + " again (evacuate_on): no"
                                    + " failback until it resolves",
                            List.of(again.get().name() + " firing since "
                                    + again.get().since()));
                } else if (policy.failback() == FailbackPolicy.AUTO || saga.failbackRequested()) {
                    run.phase(
                            SagaPhase.FAILING_BACK,
                            policy.failback() == FailbackPolicy.AUTO ? "failback is automatic" : "failback requested",
                            List.of());
                }
            }
            case FAILING_BACK -> failingBack(run);
            case STUCK, DRY_RUN, HEALTHY -> {}
        }
    }

    private void degraded(Run run, List<Instant> clusterFailovers) {
        Saga saga = run.saga;
        FailoverMode mode = run.topology.policy().mode();
        if (mode == FailoverMode.DRY_RUN) {
            run.audit.add(
                    entry(saga, run.now, AuditKind.DECISION, "dry-run: would " + plan(saga, run.topology), List.of()));
            run.phase(SagaPhase.DRY_RUN, "dry-run: nothing is executed", List.of());
            return;
        }
        Verdict start = guard.mayStart(
                saga.cluster(),
                saga.resource(),
                List.of(),
                clusterFailovers,
                run.now,
                run.topology.policy().flapLimit(),
                run.topology.policy().flapWindow());
        if (start instanceof Verdict.Refused refused && !saga.approved()) {
            run.hold(refused.rule().name(), refused.describe() + "; vigil approve " + saga.sagaId() + " lets it go on");
            return;
        }
        if (mode == FailoverMode.APPROVE && !saga.approved()) {
            run.phase(
                    SagaPhase.AWAITING_APPROVAL,
                    "mode approve: waiting for vigil approve " + saga.sagaId() + "; plan: " + plan(saga, run.topology),
                    List.of());
            return;
        }
        run.phase(
                firstActingPhase(saga),
                saga.way().words() + " begins",
                start instanceof Verdict.Allowed a ? a.evidence() : List.of());
    }

    private static SagaPhase firstActingPhase(Saga saga) {
        return saga.way() == FailoverWay.LIVE_EVACUATION ? SagaPhase.MAKING_ROOM : SagaPhase.FENCING;
    }

    /** The steps this saga would take, in words, for dry-run and approval pages. */
    static String plan(Saga saga, ClusterTopology topology) {
        String f = saga.failing();
        String s = saga.survivor();
        String vms = String.join(", ", saga.vms());
        if (saga.way() == FailoverWay.LIVE_EVACUATION) {
            return "make room on " + s + ", allow two primaries for " + saga.resource() + ", promote " + s
                    + ", live-migrate [" + vms + "] from " + f + " to " + s + ", demote " + f
                    + ", disallow two primaries";
        }
        boolean fence = topology.node(f).flatMap(NodeTopology::fence).isPresent();
        return (fence
                        ? "fence " + f + " and confirm its power is off"
                        : "wait for DRBD on " + s + " to mark " + f + " Outdated")
                + ", promote " + s + ", make room, start [" + vms + "] on " + s;
    }

    // ---- live evacuation ------------------------------------------------------------------

    private void makingRoom(Run run) {
        Saga saga = run.saga;
        String s = saga.survivor();
        ClusterFacts.NodeFacts survivor = run.facts.nodes().get(s);
        if (survivor == null || survivor.memoryTotalBytes() <= 0) {
            run.hold("NO_MEMORY_FIGURES", "no memory figures from " + s + "'s heartbeat yet: the VMs cannot be placed");
            return;
        }
        // a live evacuation shrinks its VMs where they run before they move: it must know where that is
        if (saga.way() == FailoverWay.LIVE_EVACUATION && !whereaboutsKnown(run, saga.failing(), "")) {
            return;
        }
        // the plan counts the survivor's own running VMs: one it has not reported yet is not one that uses no memory
        // there
        for (String vm : run.topology.vms().keySet().stream().sorted().toList()) {
            if (!saga.vms().contains(vm) && VmWhereabouts.of(saga, run.facts, vm, s) instanceof VmWhereabouts.Unknown) {
                run.hold(
                        "NO_VM_REPORT",
                        "no report of " + vm + " from " + s + " yet: it may run there, and the VMs cannot be placed"
                                + " without its memory; the failover goes on when " + s + "'s agent reports its VMs");
                return;
            }
        }
        // a VM the topology does not know keeps what it has: with its memory unknown there is no figure to plan beside,
        // and 0 is not one
        Optional<MemoryPlan> planned = survivorPlan(run, survivor);
        if (planned.isEmpty()) {
            run.hold(
                    "NO_VM_MEMORY",
                    "memory unknown of " + String.join(", ", foreignOfUnknownMemory(run, survivor)) + " on " + s
                            + " (its agent could not read it): no room can be proven beside it; the failover goes on"
                            + " when " + s + "'s agent reports its memory");
            return;
        }
        long reserve = run.topology.node(s).map(NodeTopology::reserveBytes).orElse(0L);
        MemoryPlan plan = planned.get();
        if (!plan.leftDown().equals(saga.leftDown())) {
            run.saga = run.saga.withLeftDown(plan.leftDown());
            if (!plan.leftDown().isEmpty()) {
                long held = heldBesideVms(run, survivor);
                run.audit.add(entry(
                        run.saga,
                        run.now,
                        AuditKind.DECISION,
                        s + " has room for all but " + plan.leftDown()
                                + " (budget " + mib(plan.budgetBytes())
                                + (held > reserve
                                        ? ", as " + mib(held) + " are held there by the host and"
                                                + " others than its VMs"
                                        : " after a reserve of " + mib(reserve))
                                + "): they stay down",
                        List.of()));
            }
        }
        boolean waiting = false;
        for (Map.Entry<String, Long> target : plan.targets().entrySet()) {
            // only a VM running where it can be reached: the survivor's own, or the failing host's while it answers
            Optional<String> where = run.facts
                    .whereRunning(target.getKey())
                    .filter(n -> n.equals(s) || saga.way() == FailoverWay.LIVE_EVACUATION && n.equals(saga.failing()));
            // a running VM whose report does not give its memory is not known to be at or below its share, so it
            // is set to it: setting a VM's memory to its target is safe, and changes nothing where it already is
            Optional<VmReport> report = where.flatMap(n -> run.facts.vm(n, target.getKey()));
            boolean above = report.map(r ->
                            r.vm().memoryBytes().map(m -> m > target.getValue()).orElse(true))
                    .orElse(false);
            StepResult r = memoryStep(run, "room:" + target.getKey(), target.getKey(), where, target.getValue(), above);
            if (r == StepResult.FAILED) {
                return;
            }
            waiting |= r == StepResult.WAITING;
        }
        if (!waiting) {
            run.phase(
                    saga.way() == FailoverWay.LIVE_EVACUATION ? SagaPhase.EVACUATING : SagaPhase.STARTING,
                    "room made on " + s + " for "
                            + (saga.vms().size() - run.saga.leftDown().size()) + " VMs",
                    List.of());
        }
    }

    private void evacuating(Run run) {
        Saga saga = run.saga;
        String f = saga.failing();
        String s = saga.survivor();
        if (!moveVms(run, f, s, "", true)) {
            return;
        }
        if (run.ensure(
                        "demote:" + f,
                        f,
                        ActionType.DRBD_SECONDARY,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())
                != StepResult.DONE) {
            return;
        }
        if (!bothDone(run, "disallow-two:" + s, s, "disallow-two:" + f, f, ActionType.DRBD_DISALLOW_TWO_PRIMARIES)) {
            return;
        }
        run.phase(
                SagaPhase.FAILED_OVER,
                "every VM of " + saga.resource() + " left " + f + "; " + s + " is its only Primary",
                List.of());
    }

    /**
     * Opens the migration window (both sides allow two primaries, {@code to} promoted), moves each
     * VM live (falling back to shutdown, destroy, start where a migration fails), and returns
     * whether every VM is done. {@code prefix} tells failback steps from failover ones.
     */
    private boolean moveVms(Run run, String from, String to, String prefix, boolean leftDownShutDown) {
        Saga saga = run.saga;
        if (!whereaboutsKnown(run, from, prefix)) {
            return false;
        }
        if (run.saga.step(prefix + "allow-two:" + from).isEmpty()) {
            Verdict window = guard.mayOpenMigrationWindow(
                    saga.resource(),
                    from,
                    to,
                    run.facts.drbd(from, saga.resource()),
                    run.facts.drbd(to, saga.resource()),
                    run.now);
            if (window instanceof Verdict.Refused refused) {
                run.hold(refused.rule().name(), refused.describe());
                return false;
            }
            run.audit.add(entry(
                    saga,
                    run.now,
                    AuditKind.DECISION,
                    "migration window for " + saga.resource() + " from " + from + " to " + to + " opens",
                    ((Verdict.Allowed) window).evidence()));
        }
        if (!bothDone(
                run,
                prefix + "allow-two:" + from,
                from,
                prefix + "allow-two:" + to,
                to,
                ActionType.DRBD_ALLOW_TWO_PRIMARIES)) {
            return false;
        }
        // the facts may have changed while the window opened (a disk swapped, a link cut): every attempt of the
        // promotion
        // is judged on the facts of its own moment, never on those the window opened with
        Optional<SagaStep> promote = run.saga.step(prefix + "promote:" + to);
        if (promote.map(p -> !p.done() && !p.waiting()).orElse(true)) {
            Verdict now = guard.mayOpenMigrationWindow(
                    saga.resource(),
                    from,
                    to,
                    run.facts.drbd(from, saga.resource()),
                    run.facts.drbd(to, saga.resource()),
                    run.now);
            if (now instanceof Verdict.Refused refused) {
                run.hold(refused.rule().name(), refused.describe());
                return false;
            }
        }
        if (run.ensure(
                        prefix + "promote:" + to,
                        to,
                        ActionType.DRBD_PRIMARY,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())
                != StepResult.DONE) {
            return false;
        }
        for (String vm : byPriority(run.topology, saga.vms())) {
            if (saga.leftDown().contains(vm)) {
                continue;
            }
            if (!moveOne(run, vm, from, to, prefix)) {
                return false;
            }
        }
        if (leftDownShutDown) {
            for (String vm : saga.leftDown()) {
                if (!stopOn(run, vm, from, prefix)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether every VM still to move is known to run on {@code from}, or known not to; holds the
     * saga (paged) when one is not: a VM started on the other side while it still runs on from is
     * two guests writing one disk, and one whose memory is not known cannot be made room for.
     */
    private boolean whereaboutsKnown(Run run, String from, String prefix) {
        for (String vm : byPriority(run.topology, run.saga.vms())) {
            if (run.saga.leftDown().contains(vm)
                    || run.saga.step(prefix + "migrate:" + vm).isPresent()
                    || run.saga.step(prefix + "start:" + vm).isPresent()) {
                continue;
            }
            if (guard.mayMoveVm(vm, from, VmWhereabouts.of(run.saga, run.facts, vm, from))
                    instanceof Verdict.Refused refused) {
                run.hold(refused.rule().name(), refused.describe());
                return false;
            }
        }
        return true;
    }

    private boolean moveOne(Run run, String vm, String from, String to, String prefix) {
        String migrate = prefix + "migrate:" + vm;
        if (run.saga.step(migrate).isEmpty()) {
            // moveVms let no VM of unknown whereabouts this far: it runs on from (migrated), on to (nothing to do), or
            // from is known not to run it (started cold on to)
            VmWhereabouts where = VmWhereabouts.of(run.saga, run.facts, vm, from);
            if (where.runsOn(to)) {
                return true;
            }
            if (!where.runsOn(from)) {
                return run.ensure(
                                prefix + "start:" + vm,
                                to,
                                ActionType.VM_START,
                                Optional.of(vm),
                                Optional.empty(),
                                Optional.empty())
                        == StepResult.DONE;
            }
        }
        StepResult live = run.ensure(
                migrate,
                from,
                ActionType.VM_MIGRATE_LIVE,
                Optional.of(vm),
                Optional.of(to),
                Optional.empty(),
                0,
                run.topology.policy().stepTimeout());
        if (live == StepResult.DONE) {
            return true;
        }
        if (live == StepResult.WAITING) {
            return false;
        }
        // the live migration failed: the VM restarts on the other side, the one fallback there is
        if (run.saga.step(prefix + "shutdown:" + vm).isEmpty()) {
            run.audit.add(entry(
                    run.saga,
                    run.now,
                    AuditKind.DECISION,
                    "live migration of " + vm + " failed: shut it down on " + from + " and start it on " + to,
                    List.of()));
        }
        if (!stopOn(run, vm, from, prefix)) {
            return false;
        }
        // restarted on the survivor, it boots at the share the room was made for; at home, as it is configured
        Optional<Long> memory = prefix.isEmpty() ? coldTarget(run, vm) : Optional.empty();
        return run.ensure(prefix + "start:" + vm, to, ActionType.VM_START, Optional.of(vm), Optional.empty(), memory)
                == StepResult.DONE;
    }

    /** Graceful shutdown within the policy's timeout, then destroy. */
    private boolean stopOn(Run run, String vm, String node, String prefix) {
        StepResult shutdown = run.ensure(
                prefix + "shutdown:" + vm,
                node,
                ActionType.VM_SHUTDOWN,
                Optional.of(vm),
                Optional.empty(),
                Optional.empty(),
                0,
                run.topology.policy().shutdownTimeout());
        if (shutdown == StepResult.DONE) {
            return true;
        }
        if (shutdown == StepResult.WAITING) {
            return false;
        }
        return run.ensure(
                        prefix + "destroy:" + vm,
                        node,
                        ActionType.VM_DESTROY,
                        Optional.of(vm),
                        Optional.empty(),
                        Optional.empty())
                == StepResult.DONE;
    }

    private boolean bothDone(
            Run run, String firstStep, String firstNode, String secondStep, String secondNode, ActionType type) {
        StepResult a = run.ensure(firstStep, firstNode, type, Optional.empty(), Optional.empty(), Optional.empty());
        if (a == StepResult.FAILED) {
            return false;
        }
        StepResult b = run.ensure(secondStep, secondNode, type, Optional.empty(), Optional.empty(), Optional.empty());
        return a == StepResult.DONE && b == StepResult.DONE;
    }

    // ---- host lost ------------------------------------------------------------------------

    private void fencing(Run run) {
        Saga saga = run.saga;
        String f = saga.failing();
        String s = saga.survivor();
        if (run.topology.node(f).flatMap(NodeTopology::fence).isEmpty()) {
            run.phase(
                    SagaPhase.PROMOTING,
                    f + " has no fence command: only DRBD's word that it is Outdated can let " + s + " promote",
                    List.of());
            return;
        }
        if (run.saga.step("fence:" + f).isEmpty()
                && guard.mayFenceFor(saga.resource(), s, run.facts.drbd(s, saga.resource()), run.now)
                        instanceof Verdict.Refused refused) {
            run.hold(refused.rule().name(), refused.describe());
            return;
        }
        if (run.ensure("fence:" + f, s, ActionType.FENCE, Optional.empty(), Optional.of(f), Optional.empty())
                != StepResult.DONE) {
            return;
        }
        if (run.ensure(
                        "fence-status:" + f,
                        s,
                        ActionType.FENCE_STATUS,
                        Optional.empty(),
                        Optional.of(f),
                        Optional.empty())
                != StepResult.DONE) {
            return;
        }
        run.phase(SagaPhase.PROMOTING, f + " fenced; its power is confirmed off", List.of());
    }

    private void promoting(Run run) {
        Saga saga = run.saga;
        String f = saga.failing();
        String s = saga.survivor();
        String step = "promote:" + s;
        if (run.saga.step(step).isEmpty()) {
            PeerCannotWrite proof = proof(run);
            Verdict verdict = guard.mayPromote(new PromotionGuard.PromotionRequest(
                    saga.cluster(),
                    saga.resource(),
                    s,
                    f,
                    run.facts.drbd(s, saga.resource()),
                    run.facts.drbd(f, saga.resource()),
                    proof,
                    saga.goodDataRefused(),
                    run.now));
            if (verdict instanceof Verdict.Refused refused) {
                run.hold(refused.rule().name(), refused.describe());
                return;
            }
            run.audit.add(entry(
                    saga,
                    run.now,
                    AuditKind.DECISION,
                    "promote " + s + " for " + saga.resource(),
                    ((Verdict.Allowed) verdict).evidence()));
        }
        if (run.ensure(step, s, ActionType.DRBD_PRIMARY, Optional.empty(), Optional.empty(), Optional.empty())
                != StepResult.DONE) {
            return;
        }
        run.phase(SagaPhase.MAKING_ROOM, s + " is Primary for " + saga.resource(), List.of());
    }

    private PeerCannotWrite proof(Run run) {
        Saga saga = run.saga;
        String f = saga.failing();
        Optional<SagaStep> status = saga.step("fence-status:" + f).filter(SagaStep::done);
        Optional<SagaStep> fence = saga.step("fence:" + f).filter(SagaStep::done);
        if (status.isPresent() && fence.isPresent()) {
            return new PeerCannotWrite.PowerConfirmedOff(
                    fence.get().actionId(),
                    status.get().actionId(),
                    status.get().sentAt());
        }
        Optional<NodeReport> own = run.facts.drbd(saga.survivor(), saga.resource());
        boolean outdated = own.flatMap(r -> r.drbd().connections().stream()
                        .filter(c -> c.peer().equals(f))
                        .findFirst())
                .map(c -> !c.peerDevices().isEmpty()
                        && c.peerDevices().stream().allMatch(d -> d.peerDisk() == DiskState.OUTDATED))
                .orElse(false);
        if (outdated) {
            return new PeerCannotWrite.OutdatedByDrbd(own.get());
        }
        return new PeerCannotWrite.Unproven(f + " was not fenced and DRBD on " + saga.survivor()
                + " does not report it Outdated;" + " silence alone does not prove a host dead");
    }

    private void starting(Run run) {
        Saga saga = run.saga;
        String s = saga.survivor();
        List<String> down = new ArrayList<>(saga.leftDown());
        for (String vm : byPriority(run.topology, saga.vms())) {
            if (down.contains(vm)) {
                continue;
            }
            // it boots at its share: started at its configured memory it may not fit beside the survivor's own VMs
            StepResult start = run.ensure(
                    "start:" + vm, s, ActionType.VM_START, Optional.of(vm), Optional.empty(), coldTarget(run, vm));
            if (start == StepResult.WAITING) {
                return;
            }
            if (start == StepResult.FAILED) {
                // one VM that will not start must not keep the others down: it is named on the page
                down.add(vm);
                run.saga = run.saga.withLeftDown(down);
                run.audit.add(entry(
                        run.saga,
                        run.now,
                        AuditKind.DECISION,
                        vm + " did not start on " + s + ": left down",
                        List.of()));
            }
        }
        run.phase(
                SagaPhase.FAILED_OVER,
                (saga.vms().size() - down.size()) + " VMs of " + saga.resource() + " run on " + s,
                List.of());
    }

    /**
     * The memory a VM started cold on the survivor boots with, when the plan gives it less than its
     * normal memory; empty when it gets all of it (it boots as it is configured) or the survivor's
     * memory is not known. Room was proven before the VMs moved; should a VM the topology does not
     * know report no memory since, the plan cannot be made again, and the VM boots at its minimum
     * rather than at a share computed as if that VM held nothing.
     */
    private Optional<Long> coldTarget(Run run, String vm) {
        ClusterFacts.NodeFacts survivor = run.facts.nodes().get(run.saga.survivor());
        if (survivor == null || survivor.memoryTotalBytes() <= 0) {
            return Optional.empty();
        }
        Optional<MemoryPlan> plan = survivorPlan(run, survivor);
        if (plan.isEmpty()) {
            return Optional.of(run.topology.vms().get(vm).minMemoryBytes());
        }
        Long target = plan.get().targets().get(vm);
        return target == null || target >= run.topology.vms().get(vm).memoryBytes()
                ? Optional.empty()
                : Optional.of(target);
    }

    /**
     * How the survivor's memory is shared once it carries the saga's VMs: its own running VMs stay,
     * the saga's are always planned as incoming (so the plan made before they move is the plan
     * after), and VMs the topology does not know keep what they have. Empty when one of those
     * reports no memory: what it holds cannot be counted (see {@link #foreignOfUnknownMemory}).
     */
    private static Optional<MemoryPlan> survivorPlan(Run run, ClusterFacts.NodeFacts survivor) {
        if (!foreignOfUnknownMemory(run, survivor).isEmpty()) {
            return Optional.empty();
        }
        Saga saga = run.saga;
        List<MemoryPlan.Guest> guests = new ArrayList<>();
        long foreign = 0;
        for (VmReport vm : survivor.vms().values()) {
            if (!vm.running() || saga.vms().contains(vm.vm().name())) {
                continue;
            }
            VmTopology known = run.topology.vms().get(vm.vm().name());
            if (known != null) {
                // the topology's VMs are planned at their configured sizes, whatever their reports say
                guests.add(new MemoryPlan.Guest(
                        known.name(), known.memoryBytes(), known.minMemoryBytes(), known.priority(), true));
            } else {
                foreign += vm.vm().memoryBytes().orElseThrow(); // none unknown: checked above
            }
        }
        for (String vm : saga.vms()) {
            VmTopology t = run.topology.vms().get(vm);
            guests.add(new MemoryPlan.Guest(vm, t.memoryBytes(), t.minMemoryBytes(), t.priority(), false));
        }
        long reserve = run.topology
                .node(saga.survivor())
                .map(NodeTopology::reserveBytes)
                .orElse(0L);
        // the host keeps its reserve, or what it and anything beside the VMs really hold when that is more
        long forVms = Math.min(
                survivor.memoryTotalBytes() - foreign,
                survivor.memoryTotalBytes() - heldBesideVms(run, survivor) + reserve);
        return Optional.of(MemoryPlan.of(forVms, reserve, guests));
    }

    /** The running VMs on the survivor that the topology does not know and whose memory their agent did not report. */
    private static List<String> foreignOfUnknownMemory(Run run, ClusterFacts.NodeFacts survivor) {
        return survivor.vms().values().stream()
                .filter(VmReport::running)
                .map(VmReport::vm)
                .filter(vm -> !run.topology.vms().containsKey(vm.name())
                        && !run.saga.vms().contains(vm.name()))
                .filter(vm -> vm.memoryBytes().isEmpty())
                .map(VmStatus::name)
                .sorted()
                .toList();
    }

    /**
     * What the survivor's memory holds beside the topology's VMs (its kernel and services, VMs the
     * topology does not know, whatever else runs there), as its agent's heartbeat shows it:
     * MemTotal less MemAvailable less the memory of the topology's VMs running there. A VM the
     * saga put there that no report shows yet counts at its full memory, so a report arriving
     * later than the heartbeat never reads as memory taken. A VM running there whose report gives
     * no memory counts at none: what it really holds stays inside the host's share, as the heartbeat
     * shows it, never read as room (counted at its full size, a VM running below it would make the
     * host look roomier than it is by the difference).
     */
    private static long heldBesideVms(Run run, ClusterFacts.NodeFacts survivor) {
        Saga saga = run.saga;
        long vms = 0;
        for (VmTopology vm : run.topology.vms().values()) {
            VmReport there = survivor.vms().get(vm.name());
            if (there != null && there.running()) {
                // unknown counts at none, so what it holds stays in the host's share (see above), never read as room
                vms += there.vm().memoryBytes().orElse(0L);
            } else if (saga.vms().contains(vm.name())
                    && VmWhereabouts.running(saga, run.facts, vm.name())
                            .filter(r -> r.node().equals(saga.survivor()))
                            .isPresent()) {
                vms += vm.memoryBytes();
            }
        }
        return Math.max(0, survivor.memoryTotalBytes() - survivor.memoryAvailableBytes() - vms);
    }

    /**
     * Balloons {@code vm} to {@code target} where it runs, when {@code needed} or once the step was
     * sent (a step, once sent, is followed to its end even if the facts moved meanwhile).
     */
    private static StepResult memoryStep(
            Run run, String step, String vm, Optional<String> where, long target, boolean needed) {
        Optional<SagaStep> sent = run.saga.step(step);
        if (sent.isEmpty() && (!needed || where.isEmpty())) {
            // a VM not known to run anywhere has no memory to set: it comes up with its configured memory
            return StepResult.DONE;
        }
        String node = sent.map(SagaStep::node).orElseGet(where::orElseThrow);
        return run.ensure(step, node, ActionType.VM_SET_MEMORY, Optional.of(vm), Optional.empty(), Optional.of(target));
    }

    // ---- after the failover ---------------------------------------------------------------

    private void waitForResync(Run run) {
        Saga saga = run.saga;
        Optional<NodeReport> failing = run.facts.drbd(saga.failing(), saga.resource());
        Optional<NodeReport> survivor = run.facts.drbd(saga.survivor(), saga.resource());
        if (failing.isEmpty()
                || survivor.isEmpty()
                || failing.get().at().isBefore(saga.phaseSince().minusSeconds(1))) {
            return;
        }
        DrbdResource back = failing.get().drbd();
        boolean upToDate =
                !back.devices().isEmpty() && back.devices().stream().allMatch(d -> d.disk() == DiskState.UP_TO_DATE);
        // both sides of the link, as the failback's migration window needs them: events2 tells the home's disk UpToDate
        // before
        // its replication Established, and a failback ready on the first alone was refused its window, held and paged
        if (upToDate
                && inSyncWith(survivor.get().drbd(), saga.failing())
                && inSyncWith(back, saga.survivor())
                && causeGone(run)) {
            run.phase(
                    SagaPhase.READY_FOR_FAILBACK,
                    saga.failing() + " is UpToDate again for " + saga.resource(),
                    List.of(failing.get().evidence(), survivor.get().evidence()));
            return;
        }
        boolean resyncing = back.devices().stream().anyMatch(d -> d.disk() == DiskState.INCONSISTENT)
                || back.connections().stream()
                        .flatMap(c -> c.peerDevices().stream())
                        .anyMatch(d -> d.replication() == ReplicationState.SYNC_TARGET
                                || d.replication() == ReplicationState.SYNC_SOURCE);
        if (resyncing && saga.phase() == SagaPhase.FAILED_OVER) {
            run.phase(
                    SagaPhase.RESYNCING,
                    saga.failing() + " is back and resyncing " + saga.resource(),
                    List.of(failing.get().evidence()));
        }
    }

    /** Whether {@code drbd} (one node's report) sees its link to {@code peer} connected, replicating, and the peer UpToDate. */
    private static boolean inSyncWith(DrbdResource drbd, String peer) {
        return drbd.connections().stream()
                .filter(c -> c.peer().equals(peer))
                .anyMatch(c -> c.connection() == ConnectionState.CONNECTED
                        && !c.peerDevices().isEmpty()
                        && c.peerDevices().stream()
                                .allMatch(d -> d.peerDisk() == DiskState.UP_TO_DATE
                                        && d.replication() == ReplicationState.ESTABLISHED));
    }

    /**
     * Whether what made the VMs leave is gone from the failing node, besides its disk being in sync:
     * an evacuate_on alert (a disk that works but says it will fail) still firing there means going
     * home is going back onto the dying disk. A lost disk that is UpToDate again is gone by that alone.
     */
    private static boolean causeGone(Run run) {
        return FailureDiagnosis.evacuateOnFiring(
                        run.topology.policy(), run.saga.resource(), run.facts, run.saga.failing())
                .isEmpty();
    }

    private void failingBack(Run run) {
        Saga saga = run.saga;
        String home = saga.failing();
        String s = saga.survivor();
        if (!moveVms(run, s, home, "fb-", false)) {
            return;
        }
        for (String vm : saga.leftDown()) {
            if (run.ensure(
                            "fb-start:" + vm,
                            home,
                            ActionType.VM_START,
                            Optional.of(vm),
                            Optional.empty(),
                            Optional.empty())
                    != StepResult.DONE) {
                return;
            }
        }
        if (run.ensure(
                        "fb-demote:" + s,
                        s,
                        ActionType.DRBD_SECONDARY,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())
                != StepResult.DONE) {
            return;
        }
        if (!bothDone(
                run,
                "fb-disallow-two:" + home,
                home,
                "fb-disallow-two:" + s,
                s,
                ActionType.DRBD_DISALLOW_TWO_PRIMARIES)) {
            return;
        }
        // memory back: every VM of the pair that the saga shrank, or that runs below its normal memory, gets it again
        // where it
        // runs now; the saga's own moves say that before the agents' next reports do
        boolean waiting = false;
        for (VmTopology vm : run.topology.vms().values().stream()
                .sorted(Comparator.comparing(VmTopology::name))
                .toList()) {
            Optional<String> where =
                    VmWhereabouts.running(run.saga, run.facts, vm.name()).map(VmWhereabouts.RunsOn::node);
            boolean shrunk = run.saga
                    .step("room:" + vm.name())
                    .or(() -> run.saga.step("fit:" + vm.name()))
                    .filter(SagaStep::done)
                    .isPresent();
            // a running VM whose report gives no memory is not known to have its normal memory: it is given it (setting
            // it to the target is safe, and changes nothing where it already has it)
            boolean below = where.flatMap(n -> run.facts.vm(n, vm.name()))
                    .filter(VmReport::running)
                    .map(r ->
                            r.vm().memoryBytes().map(m -> m < vm.memoryBytes()).orElse(true))
                    .orElse(false);
            StepResult r =
                    memoryStep(run, "give-back:" + vm.name(), vm.name(), where, vm.memoryBytes(), shrunk || below);
            if (r == StepResult.FAILED) {
                return;
            }
            waiting |= r == StepResult.WAITING;
        }
        if (!waiting) {
            run.phase(
                    SagaPhase.HEALTHY,
                    saga.resource() + " is home on " + home + " with its VMs; memory given back",
                    List.of());
        }
    }

    private static List<String> byPriority(ClusterTopology topology, List<String> vms) {
        return vms.stream()
                .sorted(Comparator.comparingInt(
                                (String vm) -> topology.vms().get(vm).priority())
                        .reversed()
                        .thenComparing(vm -> vm))
                .toList();
    }

    // ---- steps ----------------------------------------------------------------------------

    enum StepResult {
        DONE,
        WAITING,
        FAILED
    }

    static String stepPrefix(Saga saga, String step) {
        return saga.sagaId() + ":" + step + ":";
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    static AuditEntry entry(Saga saga, Instant now, AuditKind kind, String text, List<String> evidence) {
        return new AuditEntry(
                saga.cluster(),
                saga.sagaId(),
                saga.resource(),
                now,
                kind,
                saga.phase().word(),
                text,
                evidence,
                Optional.empty());
    }

    /** One call's working state: the saga as it changes, and what it emits. */
    private static final class Run {
        Saga saga;
        final ClusterTopology topology;
        final ClusterFacts facts;
        final Instant now;
        final List<Action> actions = new ArrayList<>();
        final List<AuditEntry> audit = new ArrayList<>();

        Run(Saga saga, ClusterTopology topology, ClusterFacts facts, Instant now) {
            this.saga = saga;
            this.topology = topology;
            this.facts = facts;
            this.now = now;
        }

        void phase(SagaPhase next, String why, List<String> evidence) {
            saga = saga.inPhase(next, now);
            audit.add(entry(saga, now, AuditKind.DECISION, next.word() + ": " + why, evidence));
        }

        /** Holds the saga by {@code by} (a rule's name, or the missing fact), paged with {@code because}; once per hold. */
        void hold(String by, String because) {
            if (saga.phase() != SagaPhase.HELD || !saga.heldBy().equals(Optional.of(by))) {
                saga = saga.held(by, because, now);
                audit.add(entry(saga, now, AuditKind.REFUSAL, "held: " + because, List.of()));
            }
        }

        StepResult ensure(
                String name,
                String node,
                ActionType type,
                Optional<String> vm,
                Optional<String> target,
                Optional<Long> memory) {
            return ensure(
                    name,
                    node,
                    type,
                    vm,
                    target,
                    memory,
                    topology.policy().stepRetries(),
                    topology.policy().stepTimeout());
        }

        /** Sends the step if it was not, waits for it, tries it again after a failure while retries remain; FAILED when they ran out (the saga is then stuck, unless the caller falls back). */
        StepResult ensure(
                String name,
                String node,
                ActionType type,
                Optional<String> vm,
                Optional<String> target,
                Optional<Long> memory,
                int retries,
                Duration timeout) {
            Optional<SagaStep> existing = saga.step(name);
            if (existing.isEmpty()) {
                send(name, node, type, vm, target, memory, 1, timeout);
                return StepResult.WAITING;
            }
            SagaStep step = existing.get();
            if (step.done()) {
                return StepResult.DONE;
            }
            if (step.waiting()) {
                if (!now.isAfter(step.deadline().plus(RESULT_GRACE))) {
                    return StepResult.WAITING;
                }
                step = step.ended(
                        SagaStep.StepStatus.TIMED_OUT,
                        Optional.empty(),
                        "no result by " + step.deadline().plus(RESULT_GRACE));
                saga = saga.withStep(step);
                audit.add(new AuditEntry(
                        saga.cluster(),
                        saga.sagaId(),
                        saga.resource(),
                        now,
                        AuditKind.RESULT,
                        saga.phase().word(),
                        name + " on " + node + ": no result within " + timeout.toSeconds() + " s",
                        List.of(),
                        Optional.of(step.actionId())));
            }
            boolean finalRefusal =
                    type == ActionType.DRBD_PRIMARY && step.exitCode().equals(Optional.of(17));
            if (step.status() == SagaStep.StepStatus.RETRY_APPROVED || (!finalRefusal && step.attempt() <= retries)) {
                send(name, step.node(), type, vm, target, memory, step.attempt() + 1, timeout);
                return StepResult.WAITING;
            }
            if (!fallsBack(type) || finalRefusal) {
                stick(step, finalRefusal);
            }
            return StepResult.FAILED;
        }

        /**
         * Steps whose failure has a way round, taken by the caller: a live migration falls back to
         * a restart, a graceful shutdown to destroy, and a VM that will not start cold is left down
         * (named on the page) so the others still start. Every other failure stops the saga.
         */
        private boolean fallsBack(ActionType type) {
            return type == ActionType.VM_MIGRATE_LIVE
                    || type == ActionType.VM_SHUTDOWN
                    || type == ActionType.VM_START && saga.phase() == SagaPhase.STARTING;
        }

        private void stick(SagaStep step, boolean finalRefusal) {
            String because =
                    (finalRefusal ? "drbdadm primary refused for lack of good data (exit 17), which is final: " : "")
                            + "step " + step.name() + " on " + step.node() + " "
                            + step.status().name().toLowerCase().replace('_', ' ')
                            + " after " + step.attempt() + " attempt" + (step.attempt() == 1 ? "" : "s")
                            + step.exitCode().map(c -> " (exit " + c + ")").orElse("")
                            + (step.lastOutput().isBlank() ? "" : "; last output: " + firstLine(step.lastOutput()));
            saga = saga.stuck(because, now);
            audit.add(entry(saga, now, AuditKind.PAGE, "failover stuck: " + because, List.of()));
        }

        private void send(
                String name,
                String node,
                ActionType type,
                Optional<String> vm,
                Optional<String> target,
                Optional<Long> memory,
                int attempt,
                Duration timeout) {
            String id = stepPrefix(saga, name) + attempt;
            Instant deadline = now.plus(timeout);
            Action action = new Action(
                    id,
                    saga.sagaId(),
                    saga.cluster(),
                    node,
                    type,
                    Optional.of(saga.resource()),
                    vm,
                    target,
                    memory,
                    now,
                    deadline);
            actions.add(action);
            saga = saga.withStep(new SagaStep(
                    name, node, type, id, attempt, SagaStep.StepStatus.SENT, now, deadline, Optional.empty(), ""));
            audit.add(new AuditEntry(
                    saga.cluster(),
                    saga.sagaId(),
                    saga.resource(),
                    now,
                    AuditKind.ACTION,
                    saga.phase().word(),
                    "sent " + action.describe() + (attempt > 1 ? " (attempt " + attempt + ")" : ""),
                    List.of(),
                    Optional.of(id)));
        }
    }
}
