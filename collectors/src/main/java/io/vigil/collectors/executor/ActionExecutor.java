package io.vigil.collectors.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.probe.EventSink;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionSeal;
import io.vigil.events.DecodeException;
import io.vigil.events.Name;
import io.vigil.service.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate every action record passes on its way to this host's tools, one record at a time:
 * <ol>
 * <li>a record keyed for another node is skipped, silently (every agent reads the whole topic);</li>
 * <li>the seal must open with this agent's key (forged, altered, unreadable: refused, and reported
 *     under {@value #UNSEALED}{@code <the id it claims>}, never under a real action's id);</li>
 * <li>an action for another cluster is skipped, silently (records are keyed by node alone, and
 *     the node of the same name in that cluster answers it); one for this cluster must name this
 *     node (otherwise refused);</li>
 * <li>an id seen before is never run again: its known result is published again, and an id
 *     started but never finished (the agent died while running it) is reported FAILED, so the
 *     saga retries under a new attempt id;</li>
 * <li>its deadline must not have passed (stale: refused), nor lie further ahead than half the
 *     journal's memory, and it must not have been issued more than five minutes in this agent's
 *     future (out of window: refused), so that an id is never forgotten before its deadline;</li>
 * <li>its type, resource and VM must be on the allow-list, and the topology must hold what it
 *     needs (otherwise refused);</li>
 * <li>then it is journaled as started, run, journaled as finished, and its result published.</li>
 * </ol>
 * Every result, refusals included, goes out through the agent's {@link EventSink} as an
 * {@link ActionResult}. The replay check comes before the deadline check so that a result lost
 * in a crash is published again even when its action's deadline has passed since.
 */
public final class ActionExecutor implements AutoCloseable {
    /** How often a shutting-down VM's state is asked. */
    public static final Duration SHUTDOWN_POLL = Duration.ofSeconds(1);
    /** The prefix of the id a record whose seal did not open is reported under. */
    public static final String UNSEALED = "unsealed:";
    /**
     * How far off a deadline may be: half the journal's memory, so an action's id is remembered
     * until well after its deadline, and a replay once it is forgotten is refused as stale.
     */
    static final Duration MAX_DEADLINE_AHEAD = ActionJournal.KEEP.dividedBy(2);
    /** How far the engine's clock may run ahead of this agent's, as an action's issuedAt shows it. */
    static final Duration MAX_ISSUED_AHEAD = Duration.ofMinutes(5);

    static final String DIED_WHILE_RUNNING = "the agent stopped while running it; not run again";
    private static final Logger log = LoggerFactory.getLogger(ActionExecutor.class);

    private final String cluster;
    private final String node;
    private final ActionSeal seal;
    private final ActionJournal journal;
    private final AllowList allow;
    private final ActionCommands commands;
    private final ActionRunner runner;
    private final EventSink sink;
    private final ExecutorMetrics metrics;
    private final RefusalLog refusals;
    private final Clock clock;

    /**
     * The executor of an agent, from its config: the hypervisor and libvirt URI of its VM probe,
     * its {@code executor:} section, the shared topology. Opens (and owns) the journal.
     *
     * @param runner where commands run: the agent's ProcessCommandRunner, or a lab host
     * @param sink   where results go: the agent's publisher (vigil.telemetry, key = cluster)
     */
    public static ActionExecutor create(
            AgentConfig config,
            ExecutorSettings settings,
            Topology topology,
            ActionSeal seal,
            CommandRunner runner,
            EventSink sink,
            MeterRegistry registry,
            Clock clock)
            throws IOException {
        ActionCommands commands = new ActionCommands(
                config.probes().vm().hypervisor(),
                config.probes().vm().libvirtUri(),
                settings.xenConfigDir(),
                topology,
                config.cluster());
        ActionRunner actionRunner =
                new ActionRunner(runner, clock, settings.maxActionTime(), settings.maxOutputBytes(), SHUTDOWN_POLL);
        return new ActionExecutor(
                config.cluster(),
                config.node(),
                seal,
                ActionJournal.open(settings.journalDir(), clock),
                settings.allow(),
                commands,
                actionRunner,
                sink,
                registry,
                clock);
    }

    public ActionExecutor(
            String cluster,
            String node,
            ActionSeal seal,
            ActionJournal journal,
            AllowList allow,
            ActionCommands commands,
            ActionRunner runner,
            EventSink sink,
            MeterRegistry registry,
            Clock clock) {
        this.cluster = cluster;
        this.node = node;
        this.seal = seal;
        this.journal = journal;
        this.allow = allow;
        this.commands = commands;
        this.runner = runner;
        this.sink = sink;
        this.metrics = new ExecutorMetrics(registry, cluster, node);
        this.refusals = new RefusalLog(clock);
        this.clock = clock;
    }

    public String cluster() {
        return cluster;
    }

    public String node() {
        return node;
    }

    /** The longest any one command of an action may run. */
    public Duration maxActionTime() {
        return runner.maxCommandTime();
    }

    /**
     * Handles one record of vigil.actions: the result it published, or empty when the record was
     * for another node or cluster, or unreadable. Throws InterruptedException when the agent stops while an
     * action runs; the journal then holds it as started, and the next start reports it FAILED.
     */
    public Optional<ActionResult> handle(String key, byte[] record) throws InterruptedException {
        if (!node.equals(key)) {
            return Optional.empty();
        }
        Action action;
        try {
            action = seal.open(record);
        } catch (DecodeException | RuntimeException e) {
            Optional<ActionSeal.Claimed> claimed = ActionSeal.claimed(record);
            if (claimed.isEmpty()) {
                metrics.refused(RefusalReason.UNREADABLE);
                refusals.refused("(no readable id)", key, RefusalReason.UNREADABLE, String.valueOf(e.getMessage()));
                return Optional.empty();
            }
            return unsealed(claimed.get(), String.valueOf(e.getMessage()));
        }
        if (!action.cluster().equals(cluster)) {
            // vigil.actions is keyed by node alone: the node of that name in the other cluster answers it
            log.debug("action {} is for cluster {}, not {}: skipped", action.describe(), action.cluster(), cluster);
            return Optional.empty();
        }
        if (!action.node().equals(node)) {
            return Optional.of(refuse(
                    action,
                    RefusalReason.MISADDRESSED,
                    "addressed to node " + action.node() + " of cluster " + action.cluster()
                            + ", but this agent is node " + node + " of cluster " + cluster));
        }
        Optional<ActionJournal.Entry> seen = journal.lookup(action.id());
        if (seen.isPresent()) {
            return Optional.of(replay(action, seen.get()));
        }
        if (!clock.instant().isBefore(action.deadline())) {
            return Optional.of(refuse(
                    action,
                    RefusalReason.STALE,
                    "its deadline " + action.deadline() + " had passed when it arrived (" + clock.instant() + ")"));
        }
        if (action.deadline().isAfter(clock.instant().plus(MAX_DEADLINE_AHEAD))) {
            return Optional.of(refuse(
                    action,
                    RefusalReason.OUT_OF_WINDOW,
                    "its deadline " + action.deadline() + " is more than "
                            + MAX_DEADLINE_AHEAD.toHours() + "h away (" + clock.instant()
                            + "); the executor remembers action ids for "
                            + ActionJournal.KEEP.toDays() + " days, and a replay after that must be stale"));
        }
        if (action.issuedAt().isAfter(clock.instant().plus(MAX_ISSUED_AHEAD))) {
            return Optional.of(refuse(
                    action,
                    RefusalReason.OUT_OF_WINDOW,
                    "it was issued at " + action.issuedAt() + ", more than "
                            + MAX_ISSUED_AHEAD.toMinutes() + " minutes after this agent's clock (" + clock.instant()
                            + "); check the clocks"
                            + " (NTP) of the engine's host and this one"));
        }
        Optional<String> notAllowed = allow.refusal(action);
        if (notAllowed.isPresent()) {
            return Optional.of(refuse(action, RefusalReason.NOT_ALLOWED, notAllowed.get()));
        }
        ActionPlan plan;
        try {
            plan = commands.plan(action);
        } catch (ActionRefused e) {
            return Optional.of(refuse(action, e.reason(), e.getMessage()));
        }
        return Optional.of(run(action, plan));
    }

    private ActionResult run(Action action, ActionPlan plan) throws InterruptedException {
        try {
            journal.started(action.id());
        } catch (IOException e) {
            log.error(
                    "action {} not run: the journal cannot record it ({}); check the disk of the executor's journal_dir",
                    action.describe(),
                    e.getMessage());
            ActionResult failed = new ActionResult(
                    action.id(),
                    ActionOutcome.FAILED,
                    Optional.empty(),
                    "not run: the executor's journal cannot record it: " + e.getMessage(),
                    0);
            try {
                journal.finished(failed);
            } catch (IOException again) {
                // logged above; the journal still remembers it in memory, so a redelivery gets this answer, counted
                // once
            }
            return publish(action, failed);
        }
        // the program only: a fence's argv from the topology may carry a password
        log.info("action {} running: {}", action.describe(), plan.command().program());
        ActionResult result = runner.run(action, plan);
        record(result);
        log.info(
                "action {} {} in {}s{}",
                action.describe(),
                result.outcome().wire(),
                String.format("%.1f", result.durationSeconds()),
                result.exitCode().map(code -> " (exit " + code + ")").orElse(""));
        return publish(action, result);
    }

    private ActionResult replay(Action action, ActionJournal.Entry entry) {
        if (entry.result().isPresent()) {
            log.info(
                    "action {} seen again: not run again; its result ({}) is published again",
                    action.describe(),
                    entry.result().get().outcome().wire());
            sink.emit(entry.result().get());
            return entry.result().get();
        }
        log.warn(
                "action {} was started at {} but never finished (the agent stopped while running it): reported failed, not run again",
                action.describe(),
                entry.firstSeen());
        ActionResult failed =
                new ActionResult(action.id(), ActionOutcome.FAILED, Optional.empty(), DIED_WHILE_RUNNING, 0);
        record(failed);
        return publish(action, failed);
    }

    /** A verified action's refusal: journaled, so a redelivery gets the same answer. */
    private ActionResult refuse(Action action, RefusalReason reason, String why) {
        ActionResult result = refusal(action.id(), action.node(), reason, why);
        record(result);
        metrics.ended(action.type(), ActionOutcome.REFUSED);
        sink.emit(result);
        return result;
    }

    /**
     * An unverified record's refusal, published under {@value #UNSEALED}{@code <claimed id>}, never
     * under the claimed id itself: action ids are predictable, and whoever can write vigil.actions
     * without the key must not fail a real step of a failover. Not journaled either, so the real
     * action of that id still runs. When the prefixed id is no valid name (too long), only logged
     * and counted.
     */
    private Optional<ActionResult> unsealed(ActionSeal.Claimed claimed, String why) {
        String id = UNSEALED + claimed.id();
        if (!Name.isValid(id)) {
            metrics.refused(RefusalReason.SEAL);
            refusals.refused(
                    claimed.id(),
                    claimed.node(),
                    RefusalReason.SEAL,
                    why + " (no result: its id is too long to report)");
            return Optional.empty();
        }
        ActionResult result = refusal(id, claimed.node(), RefusalReason.SEAL, why);
        sink.emit(result);
        return Optional.of(result);
    }

    private ActionResult refusal(String id, String claimedNode, RefusalReason reason, String why) {
        metrics.refused(reason);
        refusals.refused(id, claimedNode, reason, why);
        return new ActionResult(
                id, ActionOutcome.REFUSED, Optional.empty(), "refused (" + reason.word() + "): " + why, 0);
    }

    private ActionResult publish(Action action, ActionResult result) {
        metrics.ended(action.type(), result.outcome());
        sink.emit(result);
        return result;
    }

    private void record(ActionResult result) {
        try {
            journal.finished(result);
        } catch (IOException e) {
            log.error(
                    "action {}: its result ({}) could not be journaled ({}); a redelivery will report it failed instead of"
                            + " running it again; check the disk of the executor's journal_dir",
                    result.actionId(),
                    result.outcome().wire(),
                    e.getMessage());
        }
    }

    /** Closes the journal. */
    @Override
    public void close() throws IOException {
        journal.close();
    }
}
